// defines: grain::Dropout (see dropout.h)
#include "layers/dropout.h"

#include "engine/error.h"
#include "engine/ops/dropout.h"
#include "layers/init.h"

namespace grain {

Dropout::Dropout(const std::string& name, double p) : name_(name), p_(p) {
  GRAIN_CHECK(p >= 0.0 && p < 1.0, name << ": dropout probability must be in [0, 1), got " << p);
}

Tensor Dropout::forward(const Tensor& x, const ForwardContext& ctx) const {
  return dropout(x, p_, name_seed(ctx.seed, name_), ctx.training);
}

}  // namespace grain
