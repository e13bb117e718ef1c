// defines: grain::ModelConfig, model_preset, validate_model_config
//
// The architecture's sizes (docs/spec/model.md): the presets `paper`, `small` and
// `tiny`, and the checks a configuration must pass before any tensor is
// allocated (the crop must leave at least 1x1 after the unpadded layers).
#pragma once

#include <cstdint>
#include <string>

namespace grain {

struct ModelConfig {
  std::string preset = "tiny";
  int64_t frames = 16;          // T
  int64_t resize = 64;          // frames resized to resize x resize
  int64_t crop = 56;            // then cropped to crop x crop
  int64_t width_2d = 8;         // c2 (0 switches the 2D channel off)
  int64_t width_3d = 8;         // c3 (0 switches the 3D channel off)
  int64_t lstm_hidden = 64;     // encoder LSTM hidden size per direction
  int64_t lstm_layers = 2;      // paper text: 2; authors' code: 1
  int64_t decoder_hidden = 128;
  int64_t decoder_layers = 2;
  int64_t embedding = 256;      // word embedding width
  int64_t caption_length = 14;  // tokens including the end token
  int64_t num_classes = 0;      // set from the dataset (groups or categories)
  int64_t vocabulary = 0;       // set from the vocabulary; 0 = no decoder
};

// The preset's sizes; throws naming the preset if unknown.
ModelConfig model_preset(const std::string& name);

// Spatial size left after the encoder's three pools and three unpadded convs
// for a crop (96 -> 6, 56 -> 1; the global max pool then covers it);
// <= 0 means the crop is too small.
int64_t encoder_final_spatial(int64_t crop);

// Throws grain::Error with the reason (e.g. "model.crop 48 is too small: ...").
void validate_model_config(const ModelConfig& config);

}  // namespace grain
