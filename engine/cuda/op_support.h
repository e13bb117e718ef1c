// defines: helpers shared by the CUDA halves of the ops (engine/ops/*.cu) and
//          the optimisers: typed device pointers, the float32 check, broadcast
//          and reduction geometry for kernels/cuda.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/tensor.h"
#include "kernels/cuda/reduce.h"

namespace grain::cuda {

// The CUDA backend computes in float32 (check_backend_dtypes, engine/backend.h;
// the ops check in their .cpp, the optimisers here).
void require_float32(const char* op, const std::vector<Tensor>& tensors);

inline float* f32(const Tensor& t) { return static_cast<float*>(t.raw_data()); }
inline const int64_t* i64(const Tensor& t) { return static_cast<const int64_t*>(t.raw_data()); }

// Element strides of `input` seen broadcast to `output` (numpy rules).
kernels::cuda::Strided broadcast_strides(const Shape& input, const Shape& output);
// The identity walk of a contiguous tensor of `shape` (at most kMaxRank dims).
kernels::cuda::Strided identity_strides(const Shape& shape);
// Reduction of `input` to `keep` (same rank, reduced dims = 1).
kernels::cuda::ReduceGeometry reduce_geometry(const Shape& input, const Shape& keep);

// y = factor * (x summed over the dims where keep is 1); y holds numel(keep)
// values. Uses the coalesced column path when the kept dims are trailing
// (bias gradients, most broadcast reductions), the general kernel otherwise.
void reduce_sum(const Tensor& x, const Shape& keep, const Tensor& y, float factor);
// c [m, n] = op(a) op(b) through cuda::gemm (row-major, leading dims lda, ldb
// and n), c zeroed first so that an empty inner dimension (k = 0) gives zeros.
void gemm_zeroed(const Tensor& c, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const Tensor& a,
                 int64_t lda, const Tensor& b, int64_t ldb);
// y[c] = sum over rows of a row-major [rows, cols] tensor x (coalesced, deterministic).
void column_sum(const Tensor& x, int64_t rows, int64_t cols, const Tensor& y);

}  // namespace grain::cuda
