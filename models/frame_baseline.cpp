// defines: grain::FrameBaseline, frame_baseline_name (see frame_baseline.h)
#include "models/frame_baseline.h"

#include "engine/error.h"
#include "engine/ops/activation.h"
#include "engine/ops/reduce.h"
#include "engine/ops/shape_ops.h"
#include "engine/ops/time_average.h"

namespace grain {

std::string frame_baseline_name(FrameBaselineKind kind) {
  switch (kind) {
    case FrameBaselineKind::kMiddleFrameMlp: return "middle_frame_mlp";
    case FrameBaselineKind::kFramesMeanMlp: return "frames_mean_mlp";
    case FrameBaselineKind::kFramesLstm: return "frames_lstm";
  }
  return "?";
}

FrameBaseline::FrameBaseline(ParameterStore& store, const ModelConfig& config, FrameBaselineKind kind,
                             int64_t classes, int64_t hidden)
    : kind_(kind) {
  validate_model_config(config);
  GRAIN_CHECK(config.width_2d > 0, "frame baseline: model.width_2d is 0; the baselines need the 2D channel");
  GRAIN_CHECK(classes > 0 && hidden > 0, "frame baseline: " << classes << " classes, " << hidden << " hidden units");
  // The video encoder's 2D channel: widths c, 2c, 4c, 8c, 8c, 8c; 1x3x3
  // kernels; space padded by 1 in the first three blocks, time never.
  const int64_t c = config.width_2d;
  const int64_t widths[6] = {c, 2 * c, 4 * c, 8 * c, 8 * c, 8 * c};
  int64_t in = 3;
  for (int i = 0; i < 6; ++i) {
    const int64_t pad = i < 3 ? 1 : 0;
    cnn2d_.emplace_back(store, "frames.cnn2d.conv" + std::to_string(i + 1), in, widths[i],
                        std::array<int64_t, 3>{1, 3, 3}, std::array<int64_t, 3>{0, pad, pad});
    in = widths[i];
  }
  if (kind == FrameBaselineKind::kFramesLstm) {
    lstm_ = std::make_unique<Lstm>(store, "frames.lstm", 8 * c, hidden, 1, false);
  } else {
    mlp_hidden_ = std::make_unique<Linear>(store, "frames.mlp_hidden", 8 * c, hidden);
  }
  output_ = std::make_unique<Linear>(store, "frames.output", hidden, classes);
}

Tensor FrameBaseline::forward(const Tensor& clip, const ForwardContext& ctx) const {
  GRAIN_CHECK(clip.dim() == 5 && clip.size(4) == 3, "frame baseline: clip must be (N, T, H, W, 3), got " << clip.shape());
  Tensor h = clip;
  if (kind_ == FrameBaselineKind::kMiddleFrameMlp) {
    const int64_t middle = clip.size(1) / 2;
    h = slice(clip, 1, middle, middle + 1);
  }
  for (size_t i = 0; i < cnn2d_.size(); ++i) {
    h = cnn2d_[i].forward(h, ctx);
    if (i < 3) h = pool_.forward(h);
  }
  const Tensor frames = amax(h, {2, 3});  // (N, T, 8c): one vector per frame
  if (kind_ == FrameBaselineKind::kFramesLstm) {
    const Tensor out = lstm_->forward(frames).output;  // (N, T, hidden)
    const int64_t t = out.size(1);
    return output_->forward(reshape(slice(out, 1, t - 1, t), {out.size(0), out.size(2)}));
  }
  // Per-frame logits averaged over time (one frame: the identity).
  return time_average(output_->forward(relu(mlp_hidden_->forward(frames))));
}

void FrameBaseline::reset_parameters(uint64_t seed) {
  for (ConvBlock& b : cnn2d_) b.reset_parameters(seed);
  if (mlp_hidden_) mlp_hidden_->reset_parameters(seed + 1);
  if (lstm_) lstm_->reset_parameters(seed + 2);
  output_->reset_parameters(seed + 3);
}

}  // namespace grain
