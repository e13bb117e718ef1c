// defines: grain::kernels::cuda time_average, embedding, dropout
//
// time_average: the video encoding h = (1/T) sum_t [h_fwd(t); h_bwd(t)] over
// bidirectional LSTM outputs x [N, T, C]. embedding: row gather and its
// deterministic scatter. dropout: the counter-based mask of
// kernels/counter_rng.h, bitwise the same as the CPU's.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace grain::kernels::cuda {

// h[n, c] = (1/T) sum_t x[n, t, c]
void time_average_forward(const float* x, int64_t n, int64_t t, int64_t c, float* h, cudaStream_t stream);
// dx[n, t, c] = dh[n, c] / T
void time_average_backward(const float* dh, int64_t n, int64_t t, int64_t c, float* dx, cudaStream_t stream);
// y[i, e] = weight[ids[i], e]; ids must lie in [0, vocab) (checked by the caller).
void embedding_forward(const int64_t* ids, int64_t count, const float* weight, int64_t width, float* y,
                       cudaStream_t stream);
// dweight[v, e] = sum over i with ids[i] = v of dy[i, e], summed in order of i
// (deterministic, no atomics). One thread per (id position, e) writes only
// at the first occurrence of each id and gathers the later ones, so the cost
// is count x occurrences, small for caption batches.
void embedding_backward(const int64_t* ids, int64_t count, const float* dy, int64_t vocab, int64_t width,
                        float* dweight, cudaStream_t stream);
// y[i] = x[i] / (1 - p) if counter_uniform(seed, offset + i) >= p else 0.
void dropout(const float* x, float* y, int64_t n, double p, uint64_t seed, uint64_t offset, cudaStream_t stream);

}  // namespace grain::kernels::cuda
