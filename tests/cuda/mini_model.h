// defines: a miniature video encoder + caption decoder built from the engine's
// ops (conv3d, batch norm, ReLU, max pooling, global spatial max, bidirectional
// LSTM, time average, classifier, embedding, caption LSTM-free decoder head,
// fused caption loss), for whole-model CPU/CUDA parity and determinism runs.
#pragma once

#include <vector>

#include "engine/tensor.h"

namespace grain::cuda_test {

struct MiniModel {
  std::vector<Tensor> params;  // leaves (requires_grad), CPU or CUDA
  std::vector<Tensor> buffers; // batch-norm running statistics
  Tensor clip, captions, targets, mask, labels;
};

// Deterministic weights and data (seeded), on `device`.
MiniModel make_mini_model(Device device, bool with_lstm);
// 0.1 cross-entropy + 0.9 caption NLL; builds the graph.
Tensor mini_model_loss(const MiniModel& m, bool with_lstm);

}  // namespace grain::cuda_test
