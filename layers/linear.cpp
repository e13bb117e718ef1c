// defines: grain::Linear (see linear.h)
#include "layers/linear.h"

#include <cmath>

#include "engine/ops/linear.h"
#include "layers/init.h"

namespace grain {

Linear::Linear(ParameterStore& store, const std::string& name, int64_t in, int64_t out, bool bias)
    : in_(in), out_(out) {
  weight_ = store.declare(name + ".weight", {out, in});
  if (bias) bias_ = store.declare(name + ".bias", {out});
}

Tensor Linear::forward(const Tensor& x) const {
  return linear(x, weight_->value, bias_ ? bias_->value : Tensor());
}

void Linear::reset_parameters(uint64_t seed) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_));
  init_uniform(*weight_, bound, seed);
  if (bias_) init_uniform(*bias_, bound, seed);
}

}  // namespace grain
