// defines: reshape, permute, transpose, concat, slice — layout ops
//
// reshape returns a view (same storage; every tensor is contiguous, so this
// is always safe); the others copy into a new tensor.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/tensor.h"

namespace grain {

// Same elements, new shape (one dim may be -1 and is inferred). dx = reshape(dy, x.shape).
Tensor reshape(const Tensor& x, const Shape& shape);

// y[i_{dims[0]}, ..., i_{dims[r-1]}] = x[i_0, ..., i_{r-1}]: y.shape[k] = x.shape[dims[k]].
// dx = permute(dy, inverse(dims)).
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
// Swaps two dims (a permute).
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);

// Joins tensors of equal shape except along `dim`. dx_i = the matching slice of dy.
Tensor concat(const std::vector<Tensor>& xs, int64_t dim);

// x[..., start:end, ...] along `dim` (0 <= start <= end <= size). dx = dy placed in zeros.
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end);

// ---- CUDA backend: defined in shape_ops.cu, compiled only with the CUDA backend;
// shape_ops.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// permute values (no graph; permute() records).
Tensor permute_cuda(const Tensor& x, const std::vector<int64_t>& dims);
// Rows [offset, offset + small's size) of big along dim = small (into_big) or
// the reverse: one strided 2-D copy (no graph; concat and slice record).
void copy_block_cuda(const char* op, const Tensor& small, const Tensor& big, int dim, int64_t offset, bool into_big);

}  // namespace grain
