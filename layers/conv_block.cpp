// defines: grain::ConvBlock (see conv_block.h)
#include "layers/conv_block.h"

#include <cmath>

#include "engine/ops/activation.h"
#include "engine/ops/batch_norm.h"
#include "layers/init.h"

namespace grain {

ConvBlock::ConvBlock(ParameterStore& store, const std::string& name, int64_t cin, int64_t cout,
                     std::array<int64_t, 3> kernel, std::array<int64_t, 3> padding)
    : cin_(cin), kernel_(kernel), padding_(padding) {
  weight_ = store.declare(name + ".conv.weight", {cout, kernel[0], kernel[1], kernel[2], cin});
  weight_->to_pytorch_layout = {0, 4, 1, 2, 3};
  bias_ = store.declare(name + ".conv.bias", {cout});
  gamma_ = store.declare(name + ".bn.weight", {cout});
  beta_ = store.declare(name + ".bn.bias", {cout});
  running_mean_ = store.declare_buffer(name + ".bn.running_mean", {cout});
  running_var_ = store.declare_buffer(name + ".bn.running_var", {cout});
}

Tensor ConvBlock::forward(const Tensor& x, const ForwardContext& ctx) const {
  const Conv3dParams params{{1, 1, 1}, padding_, {1, 1, 1}};
  const Tensor y = conv3d(x, weight_->value, bias_->value, params);
  return relu(batch_norm(y, gamma_->value, beta_->value, running_mean_->value, running_var_->value,
                         {ctx.training, 0.1, 1e-5, ctx.batch_norm_sync}));
}

void ConvBlock::reset_parameters(uint64_t seed) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(cin_ * kernel_[0] * kernel_[1] * kernel_[2]));
  init_uniform(*weight_, bound, seed);
  init_uniform(*bias_, bound, seed);
  init_constant(*gamma_, 1.0);
  init_constant(*beta_, 0.0);
  init_constant(*running_mean_, 0.0);
  init_constant(*running_var_, 1.0);
}

}  // namespace grain
