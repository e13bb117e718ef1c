// defines: model presets and validation (see model_config.h)
#include "models/model_config.h"

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

int64_t encoder_final_spatial(int64_t crop) {
  int64_t s = crop;
  for (int i = 0; i < 3; ++i) s /= 2;  // conv1-3 keep the size (padding 1), each pool halves it
  return s - 6;                        // conv4-6: 3x3 without padding
}

void validate_model_config(const ModelConfig& c) {
  GRAIN_CHECK(c.width_2d >= 0 && c.width_3d >= 0 && c.width_2d + c.width_3d > 0,
              "model.width_2d / model.width_3d: at least one channel must have width > 0, got "
                  << c.width_2d << " / " << c.width_3d);
  GRAIN_CHECK(c.frames >= 1, "model.frames must be >= 1, got " << c.frames);
  GRAIN_CHECK(c.crop <= c.resize, "model.crop " << c.crop << " is larger than model.resize " << c.resize);
  GRAIN_CHECK(encoder_final_spatial(c.crop) >= 1,
              "model.crop " << c.crop << " is too small: the three (1,2,2) pools leave " << c.crop / 8 << "x"
                            << c.crop / 8 << " and the three unpadded 3x3 convolutions need at least 7x7, "
                            << "so the crop must be at least 56");
  GRAIN_CHECK(c.lstm_hidden >= 1 && c.lstm_layers >= 1, "model.lstm_hidden and model.lstm_layers must be >= 1");
  GRAIN_CHECK(c.vocabulary == 0 || (c.decoder_hidden >= 1 && c.decoder_layers >= 1 && c.embedding >= 1),
              "model.decoder_hidden, model.decoder_layers and model.embedding must be >= 1");
  GRAIN_CHECK(c.caption_length >= 2, "model.caption_length must be >= 2, got " << c.caption_length);
}

}  // namespace grain
