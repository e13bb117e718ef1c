// defines: bias_add — adds a per-channel bias along the last (channels) dim
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., C], b [C] -> y [..., C], y = x + b. dx = dy, db = sum over all but the last dim of dy.
Tensor bias_add(const Tensor& x, const Tensor& b);

}  // namespace grain
