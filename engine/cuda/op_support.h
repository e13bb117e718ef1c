// defines: helpers shared by the CUDA halves of the ops (engine/ops/*.cu):
//          typed device pointers with dtype checks, broadcast and reduction
//          geometry for kernels/cuda, host copies of small index tensors.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/tensor.h"
#include "kernels/cuda/reduce.h"

namespace grain::cuda {

// The CUDA backend computes in float32 (bfloat16 arrives with mixed precision).
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
// y[c] = sum over rows of a row-major [rows, cols] tensor x (coalesced, deterministic).
void column_sum(const Tensor& x, int64_t rows, int64_t cols, const Tensor& y);

// int64 values of a (small) device tensor, copied to the host: used to check
// ids and targets against the vocabulary before a kernel indexes with them.
std::vector<int64_t> host_indices(const Tensor& t);

}  // namespace grain::cuda
