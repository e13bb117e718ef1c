// defines: the CUDA half of reduce (implemented in reduce.cu; see reduce.h for shapes).
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
// sum/mean of x down to `keep` (reduced dims 1), returned with shape `out`; records its backward.
Tensor sum_or_mean_cuda(const char* op, const Tensor& x, const Shape& keep, const Shape& out, bool average);
// dy (shape keep, any view) broadcast to in_shape times factor (no graph).
Tensor expand_grad_cuda(const Tensor& dy, const Shape& keep, const Shape& in_shape, double factor);
// amax of x down to `keep`, shape `out`; records its backward (scatter to the first maximum).
Tensor amax_cuda(const Tensor& x, const Shape& keep, const Shape& out);
#else
inline Tensor sum_or_mean_cuda(const char* op, const Tensor&, const Shape&, const Shape&, bool) { throw_not_implemented_on_cuda(op); }
inline Tensor expand_grad_cuda(const Tensor&, const Shape&, const Shape&, double) { throw_not_implemented_on_cuda("sum/mean backward"); }
inline Tensor amax_cuda(const Tensor&, const Shape&, const Shape&) { throw_not_implemented_on_cuda("amax"); }
#endif

}  // namespace grain
