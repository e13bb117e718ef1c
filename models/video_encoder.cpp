// defines: grain::VideoEncoder (see video_encoder.h)
#include "models/video_encoder.h"

#include "engine/error.h"
#include "engine/ops/reduce.h"
#include "engine/ops/shape_ops.h"
#include "engine/ops/time_average.h"

namespace grain {

namespace {

// The blocks of kEncoderStack for a channel of width c; the 3D channel
// convolves and pads time (kEncoderTimeKernel3d, kEncoderTimePadding3d), the
// 2D channel sees each frame alone.
std::vector<ConvBlock> make_channel(ParameterStore& store, const std::string& name, int64_t width, bool three_d) {
  std::vector<ConvBlock> blocks;
  if (width == 0) return blocks;
  const int64_t kt = three_d ? kEncoderTimeKernel3d : 1, pt = three_d ? kEncoderTimePadding3d : 0;
  int64_t in = 3;
  for (size_t i = 0; i < kEncoderStack.size(); ++i) {
    const EncoderBlock& b = kEncoderStack[i];
    const int64_t out = b.width_multiple * width;
    blocks.emplace_back(store, name + ".conv" + std::to_string(i + 1), in, out,
                        std::array<int64_t, 3>{kt, b.spatial_kernel, b.spatial_kernel},
                        std::array<int64_t, 3>{pt, b.spatial_padding, b.spatial_padding});
    in = out;
  }
  return blocks;
}

}  // namespace

VideoEncoder::VideoEncoder(ParameterStore& store, const std::string& name, const ModelConfig& config)
    : config_(config),
      cnn3d_(make_channel(store, name + ".cnn3d", config.width_3d, true)),
      cnn2d_(make_channel(store, name + ".cnn2d", config.width_2d, false)) {
  validate_model_config(config);
  lstm_ = std::make_unique<Lstm>(store, name + ".lstm", feature_width(), config.lstm_hidden, config.lstm_layers, true);
}

Tensor VideoEncoder::channel(const std::vector<ConvBlock>& blocks, const Tensor& clip, const ForwardContext& ctx) const {
  Tensor h = clip;
  for (size_t i = 0; i < blocks.size(); ++i) {
    h = blocks[i].forward(h, ctx);
    if (kEncoderStack[i].pool_after) h = pool_.forward(h);
  }
  return amax(h, {2, 3});  // global max over the remaining H x W: (N, T, 8c)
}

Tensor VideoEncoder::features(const Tensor& clip, const ForwardContext& ctx) const {
  GRAIN_CHECK(clip.dim() == 5 && clip.size(4) == 3,
              "encoder: clip must be (N, T, H, W, 3), got " << clip.shape());
  GRAIN_CHECK(encoder_final_spatial(std::min(clip.size(2), clip.size(3))) >= 1,
              "encoder: clip " << clip.shape() << " is smaller than " << encoder_min_crop() << "x"
                               << encoder_min_crop() << ", the least the unpadded layers accept");
  std::vector<Tensor> parts;
  // 2D features first, as (N, T, 8 c2 + 8 c3) in docs/spec/model.md.
  if (!cnn2d_.empty()) parts.push_back(channel(cnn2d_, clip, ctx));
  if (!cnn3d_.empty()) parts.push_back(channel(cnn3d_, clip, ctx));
  return parts.size() == 1 ? parts[0] : concat(parts, 2);
}

Tensor VideoEncoder::forward(const Tensor& clip, const ForwardContext& ctx) const {
  return time_average(lstm_->forward(features(clip, ctx)).output);
}

void VideoEncoder::reset_parameters(uint64_t seed) {
  for (ConvBlock& b : cnn3d_) b.reset_parameters(seed);
  for (ConvBlock& b : cnn2d_) b.reset_parameters(seed);
  lstm_->reset_parameters(seed);
}

}  // namespace grain
