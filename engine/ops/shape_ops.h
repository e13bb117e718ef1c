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

// ---- Backends (engine/backend.h): shape_ops.cpp records, GRAIN_DISPATCH
// calls the _cpu half (shape_ops.cpp) or the _cuda half (shape_ops.cu, CUDA
// builds only). Both copy bytes: any dtype.

// y = x with its dims permuted (dims normalised; y allocated at the permuted
// shape); permute's forward and, with the inverse, its backward.
void permute_values_cpu(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& y);
void permute_values_cuda(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& y);
// Rows [offset, offset + small's size) of big along dim = small (into_big:
// concat, slice's backward) or the reverse (slice, concat's backward).
void copy_block_cpu(const Tensor& small, const Tensor& big, int dim, int64_t offset, bool into_big);
void copy_block_cuda(const Tensor& small, const Tensor& big, int dim, int64_t offset, bool into_big);

}  // namespace grain
