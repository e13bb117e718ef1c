// defines: grain::Dropout (see dropout.h)
#include "layers/dropout.h"

#include "engine/error.h"
#include "engine/ops/dropout.h"
#include "kernels/counter_rng.h"

namespace grain {

Dropout::Dropout(const std::string& name, double p) : name_(name), p_(p) {
  GRAIN_CHECK(p >= 0.0 && p < 1.0, name << ": dropout probability must be in [0, 1), got " << p);
}

Tensor Dropout::forward(const Tensor& x, const ForwardContext& ctx) const {
  // Rows of x are clips: a slice starting at clip batch_offset of the global batch starts at this element.
  const int64_t per_row = x.dim() > 0 && x.size(0) > 0 ? x.numel() / x.size(0) : 0;
  return dropout(x, p_, kernels::dropout_seed(ctx.seed, name_), ctx.training,
                 static_cast<uint64_t>(ctx.batch_offset * per_row));
}

}  // namespace grain
