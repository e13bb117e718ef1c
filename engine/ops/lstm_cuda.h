// defines: the CUDA half of lstm (implemented in lstm.cu; see lstm.h for
// shapes and the canonical PyTorch weight layout). Builds without the CUDA
// backend get an inline stub that throws, never reached because no tensor can
// live on a CUDA device there.
#pragma once

#include <vector>

#include "engine/backend.h"
#include "engine/ops/lstm.h"
#include "engine/tensor.h"

namespace grain {

#if GRAIN_WITH_CUDA
// The LSTM through cuDNN's RNN API (cudnnRNNForward, cudnnRNNBackwardData_v8,
// cudnnRNNBackwardWeights_v8); packs the canonical weights into cuDNN's weight
// space each call and unpacks the weight gradients, so checkpoints never see
// cuDNN's layout. Records its backward.
LstmOutput lstm_cuda(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& weights,
                     const LstmParams& params);
#else
inline LstmOutput lstm_cuda(const Tensor&, const Tensor&, const Tensor&, const std::vector<Tensor>&,
                            const LstmParams&) {
  throw_not_implemented_on_cuda("lstm");
}
#endif

}  // namespace grain
