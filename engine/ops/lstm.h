// defines: lstm, LstmParams, LstmOutput — multi-layer (bi)directional LSTM
//
// PyTorch semantics and layouts, so checkpoints load in PyTorch unchanged:
// batch-first input, gate order (i, f, g, o), per layer and direction the
// tensors weight_ih [4H, in], weight_hh [4H, H], bias_ih [4H], bias_hh [4H].
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/tensor.h"

namespace grain {

struct LstmParams {
  int64_t layers = 1;
  int64_t hidden = 0;  // H, per direction
  bool bidirectional = false;
  int64_t directions() const { return bidirectional ? 2 : 1; }
};

struct LstmOutput {
  Tensor output;  // [N, T, D H]: layer L-1's h(t), directions concatenated (forward first)
  Tensor h_n;     // [L D, N, H]: final hidden state of each layer and direction
  Tensor c_n;     // [L D, N, H]: final cell state
};

// x [N, T, I]; h0, c0 [L D, N, H] or undefined (zeros); weights: 4 L D tensors, ordered
// layer by layer, forward direction before reverse, each (w_ih, w_hh, b_ih, b_hh) with
// in = I for layer 0 and D H above. Per step (reverse direction: t from T-1 down to 0):
//   (i, f, g, o) = (sigma, sigma, tanh, sigma)(x_t w_ih^T + b_ih + h_{t-1} w_hh^T + b_hh)
//   c_t = f c_{t-1} + i g,  h_t = o tanh(c_t).
// Gradients by backpropagation through time for x, h0, c0 and every weight.
LstmOutput lstm(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& weights,
                const LstmParams& params);

// ---- Backends (engine/backend.h): lstm.cpp checks the shapes and records,
// GRAIN_DISPATCH calls the _cpu half (lstm.cpp) or the _cuda half (lstm.cu:
// cuDNN's RNN API; CUDA builds only).

// cuDNN's descriptors, weight space, reserve space and the tensors its
// backward reads (defined in lstm.cu).
struct LstmCudnnState;

// What the forward keeps for the backward, each backend its own part.
struct LstmSaved {
  // CPU: per layer its input [N, T, in_l]; per (layer, direction) the
  // activated gates [T, N, 4H] (i, f, g, o), the cells c_t and the states
  // before each step [T, N, H].
  std::vector<Tensor> layer_inputs, gates, cells, h_prev, c_prev;
  // CUDA: the cuDNN state (null on the CPU, and without a backward to come).
  std::shared_ptr<LstmCudnnState> cudnn;
};

// out.output [N, T, D H], out.h_n, out.c_n [L D, N, H] (allocated) from x,
// the initial states (undefined = zeros) and the canonical weights; `saved`
// filled for a backward when keep_for_backward (the CPU fills it always).
void lstm_forward_cpu(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& weights,
                      const LstmParams& params, bool keep_for_backward, const LstmOutput& out, LstmSaved& saved);
void lstm_forward_cuda(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& weights,
                       const LstmParams& params, bool keep_for_backward, const LstmOutput& out, LstmSaved& saved);
// grads (3 + weights.size() slots: dx, dh0, dc0, then one per weight) =
// fresh gradients from the gradients of output, h_n and c_n; a slot whose
// input needs no gradient may stay undefined.
void lstm_backward_cpu(const std::vector<Tensor>& weights, const LstmParams& params, const LstmSaved& saved,
                       const Tensor& d_output, const Tensor& d_hn, const Tensor& d_cn, const std::vector<bool>& need,
                       std::vector<Tensor>& grads);
void lstm_backward_cuda(const std::vector<Tensor>& weights, const LstmParams& params, const LstmSaved& saved,
                        const Tensor& d_output, const Tensor& d_hn, const Tensor& d_cn, const std::vector<bool>& need,
                        std::vector<Tensor>& grads);

}  // namespace grain
