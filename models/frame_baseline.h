// defines: grain::FrameBaselineKind, FrameBaseline, frame_baseline_name
//
// The frame baselines of the paper's supplement (its table 5), with the
// project's own per-frame 2D CNN in place of ImageNet's VGG16/ResNet152: the
// encoder's 2D channel (six conv blocks with 1x3x3 kernels, (1,2,2) max pools
// after the first three, a global spatial max; docs/spec/model.md) gives one
// feature vector per frame, and then
//   middle_frame_mlp  the middle frame only -> MLP (hidden ReLU) -> classes;
//   frames_mean_mlp   every frame -> the same MLP -> logits averaged over time;
//   frames_lstm       the frame features -> a unidirectional LSTM -> its last
//                     step -> linear -> classes.
// Parameters: frames.cnn2d.conv<i>.*, frames.mlp_hidden.*, frames.lstm.*,
// frames.output.*, in PyTorch's names and layouts like the encoder's.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layers/conv_block.h"
#include "layers/linear.h"
#include "layers/lstm.h"
#include "layers/max_pool.h"
#include "models/model_config.h"

namespace grain {

enum class FrameBaselineKind { kMiddleFrameMlp, kFramesMeanMlp, kFramesLstm };

// "middle_frame_mlp", "frames_mean_mlp", "frames_lstm": the results.json keys.
std::string frame_baseline_name(FrameBaselineKind kind);

class FrameBaseline {
 public:
  // config: width_2d (c2, > 0) and the clip sizes; classes: the output width;
  // hidden: MLP hidden units or LSTM units (the paper: 1024).
  FrameBaseline(ParameterStore& store, const ModelConfig& config, FrameBaselineKind kind, int64_t classes,
                int64_t hidden = 1024);
  // clip (N, T, H, W, 3) -> class logits (N, classes).
  Tensor forward(const Tensor& clip, const ForwardContext& ctx) const;
  void reset_parameters(uint64_t seed);

 private:
  FrameBaselineKind kind_;
  std::vector<ConvBlock> cnn2d_;
  MaxPool3d pool_{{1, 2, 2}};
  std::unique_ptr<Linear> mlp_hidden_, output_;
  std::unique_ptr<Lstm> lstm_;
};

}  // namespace grain
