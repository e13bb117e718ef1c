// defines: model presets and validation (see model_config.h)
#include "models/model_config.h"

#include <algorithm>

#include "engine/error.h"

namespace grain {

ModelConfig model_preset(const std::string& name) {
  ModelConfig c;
  c.preset = name;
  if (name == "paper") {
    c.frames = 48, c.resize = 128, c.crop = 96, c.width_2d = 32, c.width_3d = 32;
    c.lstm_hidden = 512, c.decoder_hidden = 1024;
  } else if (name == "small") {
    c.frames = 24, c.resize = 80, c.crop = 64, c.width_2d = 16, c.width_3d = 16;
    c.lstm_hidden = 128, c.decoder_hidden = 256;
  } else if (name == "tiny") {
    c.frames = 16, c.resize = 64, c.crop = 56, c.width_2d = 8, c.width_3d = 8;
    c.lstm_hidden = 64, c.decoder_hidden = 128;
  } else {
    GRAIN_THROW("model.preset: unknown preset '" << name << "' (expected paper, small or tiny)");
  }
  return c;
}

int64_t largest_clip_activation(const ModelConfig& c) {
  return c.frames * std::max(3 * c.resize * c.resize, std::max(c.width_2d, c.width_3d) * c.crop * c.crop);
}

void validate_model_config(const ModelConfig& c) {
  // The bounds first: the checks below multiply sizes.
  auto check_at_most = [](const char* key, int64_t value, int64_t bound) {
    GRAIN_CHECK(value <= bound, key << " " << value << " is too large (at most " << bound << ")");
  };
  check_at_most("model.frames", c.frames, kMaxFrames);
  check_at_most("model.resize", c.resize, kMaxImageSize);
  check_at_most("model.crop", c.crop, kMaxImageSize);
  check_at_most("model.width_2d", c.width_2d, kMaxChannelWidth);
  check_at_most("model.width_3d", c.width_3d, kMaxChannelWidth);
  check_at_most("model.lstm_hidden", c.lstm_hidden, kMaxHiddenSize);
  check_at_most("model.decoder_hidden", c.decoder_hidden, kMaxHiddenSize);
  check_at_most("model.embedding", c.embedding, kMaxHiddenSize);
  check_at_most("model.lstm_layers", c.lstm_layers, kMaxLstmLayers);
  check_at_most("model.decoder_layers", c.decoder_layers, kMaxLstmLayers);
  check_at_most("model.caption_length", c.caption_length, kMaxCaptionLength);
  GRAIN_CHECK(c.resize >= 1, "model.resize must be >= 1, got " << c.resize);
  GRAIN_CHECK(c.width_2d >= 0 && c.width_3d >= 0 && c.width_2d + c.width_3d > 0,
              "model.width_2d / model.width_3d: at least one channel must have width > 0, got "
                  << c.width_2d << " / " << c.width_3d);
  GRAIN_CHECK(c.frames >= 1, "model.frames must be >= 1, got " << c.frames);
  GRAIN_CHECK(c.crop <= c.resize, "model.crop " << c.crop << " is larger than model.resize " << c.resize);
  GRAIN_CHECK(encoder_final_spatial(c.crop) >= 1,
              "model.crop " << c.crop << " is too small: the encoder's pools and unpadded convolutions "
                            << "(docs/spec/model.md) would leave nothing of it, so the crop must be at least "
                            << encoder_min_crop());
  GRAIN_CHECK(c.lstm_hidden >= 1 && c.lstm_layers >= 1, "model.lstm_hidden and model.lstm_layers must be >= 1");
  GRAIN_CHECK(c.vocabulary == 0 || (c.decoder_hidden >= 1 && c.decoder_layers >= 1 && c.embedding >= 1),
              "model.decoder_hidden, model.decoder_layers and model.embedding must be >= 1");
  GRAIN_CHECK(c.caption_length >= 2, "model.caption_length must be >= 2, got " << c.caption_length);
  const int64_t activation = largest_clip_activation(c);
  GRAIN_CHECK(activation <= kMaxClipActivation,
              "model.frames " << c.frames << ", model.resize " << c.resize << ", model.crop " << c.crop
                              << " and model.width_2d/width_3d " << c.width_2d << "/" << c.width_3d
                              << " make one clip's largest activation " << activation
                              << " elements (3 x frames x resize^2 or width x frames x crop^2), more than the bound "
                              << kMaxClipActivation << " (4 GiB in float32)");
}

}  // namespace grain
