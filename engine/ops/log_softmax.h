// defines: log_softmax — over the last dim, numerically stable
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., K] -> y [..., K], y = x - max(x) - log sum exp(x - max(x)).
// dx = dy - softmax(x) sum_k dy.
Tensor log_softmax(const Tensor& x);

}  // namespace grain
