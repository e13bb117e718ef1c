// defines: sum, mean, amax — reductions over chosen dims
//
// dims empty = all dims. keepdim keeps reduced dims as size 1. amax over the
// spatial dims is the model's global max pooling; mean over dims its global
// average pooling.
#pragma once

#include <vector>

#include "engine/tensor.h"

namespace grain {

// y = sum of x over dims. dx = dy broadcast back over the reduced dims.
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
// y = sum / (number of reduced elements). dx = dy / count, broadcast.
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
// y = max of x over dims. dx = dy at the first position of the maximum, 0 elsewhere.
Tensor amax(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);

}  // namespace grain
