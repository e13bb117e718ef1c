// defines: the CUDA half of shape_ops (implemented in shape_ops.cu; see shape_ops.h for shapes).
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
// permute values (no graph; permute() records).
Tensor permute_cuda(const Tensor& x, const std::vector<int64_t>& dims);
// concat along dim into out_shape, input i at offsets[i]; records its backward.
Tensor concat_cuda(const std::vector<Tensor>& xs, int dim, const Shape& out_shape, const std::vector<int64_t>& offsets);
// x[..., start:end, ...] along dim; records its backward.
Tensor slice_cuda(const Tensor& x, int dim, int64_t start, int64_t end);
#else
inline Tensor permute_cuda(const Tensor&, const std::vector<int64_t>&) { throw_not_implemented_on_cuda("permute"); }
inline Tensor concat_cuda(const std::vector<Tensor>&, int, const Shape&, const std::vector<int64_t>&) { throw_not_implemented_on_cuda("concat"); }
inline Tensor slice_cuda(const Tensor&, int, int64_t, int64_t) { throw_not_implemented_on_cuda("slice"); }
#endif

}  // namespace grain
