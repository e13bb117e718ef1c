// defines: grain::kernels::cuda fused softmax + masked NLL (caption loss and
//          cross-entropy), log_softmax rows
//
// The caption loss of paper eq. 2 over logits [rows = N L, V]: each block owns
// one row, finds its max and log-sum-exp in two passes over the V logits held
// in global memory (read, never written), and emits one number; the N x L x V
// probabilities are never materialised. The backward recomputes
// softmax = exp(x - lse) from the saved per-row lse and writes dlogits.
// Cross-entropy is the same kernel with L = 1 and no mask.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace grain::kernels::cuda {

// loss[0] = (1/batch) sum_r mask[r] (lse_r - x[r, t_r]); lse[r] saved for the
// backward. mask may be null (all ones). `row_loss` is scratch of `rows` floats.
void softmax_nll_forward(const float* logits, const int64_t* targets, const float* mask, int64_t rows, int64_t vocab,
                         int64_t batch, float* lse, float* row_loss, float* loss, cudaStream_t stream);
// dlogits[r, v] = (dloss[0] / batch) mask[r] (exp(x[r, v] - lse[r]) - [v == t_r]).
void softmax_nll_backward(const float* logits, const int64_t* targets, const float* mask, const float* lse,
                          const float* dloss, int64_t rows, int64_t vocab, int64_t batch, float* dlogits,
                          cudaStream_t stream);
// y[r] = x[r] - lse(x[r]) over rows of k.
void log_softmax_forward(const float* x, float* y, int64_t rows, int64_t k, cudaStream_t stream);
// dx[r] = dy[r] - exp(y[r]) sum(dy[r]).
void log_softmax_backward(const float* y, const float* dy, float* dx, int64_t rows, int64_t k, cudaStream_t stream);

}  // namespace grain::kernels::cuda
