// defines: grain::VideoEncoder — the two-channel encoder of the paper (docs/spec/model.md)
//
// A 3D-CNN channel (3x3x3 kernels) beside a per-frame 2D-CNN channel (1x3x3
// kernels), each the conv blocks of models/encoder_stack.h (six, with (1,2,2)
// max pools after the first three) and a global spatial max after the last; the two (N, T, 8c) feature
// sequences are concatenated per time step and fed to a bidirectional LSTM
// whose outputs are averaged over time: h = (1/T) sum_t [h_fwd(t); h_bwd(t)].
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layers/conv_block.h"
#include "layers/lstm.h"
#include "layers/max_pool.h"
#include "models/encoder_stack.h"
#include "models/model_config.h"

namespace grain {

class VideoEncoder {
 public:
  VideoEncoder(ParameterStore& store, const std::string& name, const ModelConfig& config);
  // clip (N, T, H, W, 3) -> per-step features (N, T, 8 c2 + 8 c3).
  Tensor features(const Tensor& clip, const ForwardContext& ctx) const;
  // clip (N, T, H, W, 3) -> h (N, 2 lstm_hidden).
  Tensor forward(const Tensor& clip, const ForwardContext& ctx) const;
  void reset_parameters(uint64_t seed);
  int64_t feature_width() const { return kEncoderStack.back().width_multiple * (config_.width_2d + config_.width_3d); }
  int64_t output_width() const { return lstm_->output_width(); }

 private:
  Tensor channel(const std::vector<ConvBlock>& blocks, const Tensor& clip, const ForwardContext& ctx) const;

  ModelConfig config_;
  std::vector<ConvBlock> cnn3d_, cnn2d_;
  MaxPool3d pool_{kEncoderPool};  // after the blocks with pool_after, in both channels
  std::unique_ptr<Lstm> lstm_;
};

}  // namespace grain
