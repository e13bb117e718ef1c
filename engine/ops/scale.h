// defines: scale — y = s * x for a constant s (not differentiated)
#pragma once

#include "engine/tensor.h"

namespace grain {

// x any shape; y = s x; dx = s dy.
Tensor scale(const Tensor& x, double s);

}  // namespace grain
