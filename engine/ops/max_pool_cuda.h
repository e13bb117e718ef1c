// defines: the CUDA half of max_pool (implemented in max_pool.cu; see max_pool.h for shapes).
// Builds without the CUDA backend get inline stubs that throw, never reached
// because no tensor can live on a CUDA device there.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/backend.h"
#include "engine/tensor.h"

namespace grain {

#if GRAIN_WITH_CUDA
// Max pooling of x (N, T, H, W, C) with window k and stride s (both resolved); records its backward.
Tensor max_pool_cuda(const char* op, const Tensor& x, std::array<int64_t, 3> k, std::array<int64_t, 3> s);
#else
inline Tensor max_pool_cuda(const char* op, const Tensor&, std::array<int64_t, 3>, std::array<int64_t, 3>) { throw_not_implemented_on_cuda(op); }
#endif

}  // namespace grain
