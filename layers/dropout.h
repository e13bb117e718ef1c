// defines: grain::Dropout — inverted dropout as a layer
//
// Active only when the ForwardContext says training. The mask's seed is a
// pure function of the step's seed and the layer's name, so every layer
// draws a different mask, the same step always draws the same one (exact
// resume), and the CPU and CUDA backends draw identical masks.
#pragma once

#include <string>

#include "engine/tensor.h"
#include "layers/context.h"

namespace grain {

class Dropout {
 public:
  // p in [0, 1): the probability of zeroing an element.
  Dropout(const std::string& name, double p);
  Tensor forward(const Tensor& x, const ForwardContext& ctx) const;
  double p() const { return p_; }

 private:
  std::string name_;
  double p_;
};

}  // namespace grain
