// defines: grain::ConvBlock — convolution -> batch normalisation -> ReLU
//
// The encoder's building block (docs/spec/model.md): a 3D convolution over channels-
// last video (N, T, H, W, C) with a (kT, kH, kW) kernel — the 2D channel's
// blocks use kT = 1, so they see each frame alone — then batch norm and ReLU.
// Parameter names and checkpoint layouts are PyTorch's:
//   <name>.conv.weight (Cout, Cin, kT, kH, kW), <name>.conv.bias,
//   <name>.bn.weight, <name>.bn.bias, <name>.bn.running_mean, <name>.bn.running_var.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "engine/ops/conv.h"
#include "engine/parameters.h"
#include "layers/context.h"

namespace grain {

class ConvBlock {
 public:
  ConvBlock(ParameterStore& store, const std::string& name, int64_t cin, int64_t cout,
            std::array<int64_t, 3> kernel, std::array<int64_t, 3> padding);
  // x (N, T, H, W, Cin) -> (N, T', H', W', Cout). Training: batch statistics,
  // running statistics updated; evaluation: running statistics.
  Tensor forward(const Tensor& x, const ForwardContext& ctx) const;
  // conv: PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)); bn: weight 1, bias 0,
  // running mean 0, running var 1.
  void reset_parameters(uint64_t seed);

 private:
  int64_t cin_;
  std::array<int64_t, 3> kernel_, padding_;
  std::shared_ptr<Parameter> weight_, bias_, gamma_, beta_, running_mean_, running_var_;
};

}  // namespace grain
