// defines: lstm, LstmParams, LstmOutput — multi-layer (bi)directional LSTM
//
// PyTorch semantics and layouts, so checkpoints load in PyTorch unchanged:
// batch-first input, gate order (i, f, g, o), per layer and direction the
// tensors weight_ih [4H, in], weight_hh [4H, H], bias_ih [4H], bias_hh [4H].
#pragma once

#include <cstdint>
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

// ---- CUDA backend: defined in lstm.cu, compiled only with the CUDA backend;
// lstm.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// The LSTM through cuDNN's RNN API (cudnnRNNForward, cudnnRNNBackwardData_v8,
// cudnnRNNBackwardWeights_v8); packs the canonical weights into cuDNN's weight
// space each call and unpacks the weight gradients, so checkpoints never see
// cuDNN's layout. Records its backward.
LstmOutput lstm_cuda(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& weights,
                     const LstmParams& params);

}  // namespace grain
