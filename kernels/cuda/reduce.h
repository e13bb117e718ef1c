// defines: grain::kernels::cuda reductions — sum over chosen dims, max with
//          argmax, global L2 norm
//
// A reduction is described by two index spaces: the kept dims (one output
// element each) and the reduced dims (summed), each with its input strides.
// One block per output element reduces in a fixed order: deterministic.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/elementwise.h"

namespace grain::kernels::cuda {

struct ReduceGeometry {
  Strided kept;     // shape = the kept dims, stride = their input strides
  Strided reduced;  // shape = the reduced dims, stride = their input strides
  int64_t outputs = 1;
  int64_t count = 1;  // elements reduced per output
};

// y[o] = factor * sum_j x[kept(o) + reduced(j)]
void reduce_sum(const float* x, const ReduceGeometry& g, float* y, float factor, cudaStream_t stream);
// y[c] = factor * sum_r x[r, c] over a row-major [rows, cols] matrix: the
// coalesced two-pass path (column_reduce.cuh), deterministic. `scratch` holds
// column_sum_scratch(rows, cols) doubles.
int64_t column_sum_scratch(int64_t rows, int64_t cols);
void column_sum(const float* x, int64_t rows, int64_t cols, float* y, float factor, double* scratch,
                cudaStream_t stream);
// y[o] = max_j x[...]; argmax[o] = the input index of the first maximum (lowest index among ties).
void reduce_max(const float* x, const ReduceGeometry& g, float* y, int64_t* argmax, cudaStream_t stream);
// dx (zeroed by the caller) [argmax[o]] += dy[o]. Each input index appears at
// most once in argmax for amax/max_pool without overlap; with overlapping
// windows the scatter runs serially per output to stay deterministic.
void scatter_add(const float* dy, const int64_t* index, int64_t n, float* dx, bool overlapping, cudaStream_t stream);
// out[0] = sqrt(sum x^2) over n values; `partials` holds partials_size(n) floats.
int64_t partials_size(int64_t n);
void l2_norm(const float* x, int64_t n, float* partials, float* out, cudaStream_t stream);

}  // namespace grain::kernels::cuda
