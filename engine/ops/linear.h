// defines: linear — a fully connected layer's op, PyTorch's weight layout
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., in], w [out, in], b [out] (optional: pass an undefined Tensor)
// -> y [..., out], y = x w^T + b.
// dx = dy w, dw = dy^T x (over all leading dims), db = sum of dy over leading dims.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b = Tensor());

}  // namespace grain
