// defines: grain::ModelConfig, model_preset, validate_model_config
//
// The architecture's sizes (docs/spec/model.md): the presets `paper`, `small` and
// `tiny`, and the checks a configuration must pass before any tensor is
// allocated (the crop must leave at least 1x1 after the encoder's stack,
// models/encoder_stack.h).
// Every size has an upper bound (kMax*), and so has the largest per-clip
// activation, so that a typo cannot ask for terabytes: the bounds sit one to
// two orders of magnitude above the paper preset (48 frames, 128/96 pixels,
// widths 32, hidden 512/1024, whose largest activation is 14M elements).
#pragma once

#include <cstdint>
#include <string>

#include "models/encoder_stack.h"  // defines: encoder_final_spatial, encoder_min_crop

namespace grain {

inline constexpr int64_t kMaxFrames = 1024;        // T
inline constexpr int64_t kMaxImageSize = 1024;     // resize (and so crop)
inline constexpr int64_t kMaxChannelWidth = 256;   // c2, c3 (conv4-6 are 8c wide: 2048^2 x 27 weights at 256)
inline constexpr int64_t kMaxHiddenSize = 4096;    // LSTM hidden sizes and the word embedding
inline constexpr int64_t kMaxLstmLayers = 8;
inline constexpr int64_t kMaxCaptionLength = 256;
// Elements of the largest per-clip activation, largest_clip_activation():
// 2^30, 4 GiB in float32 (the paper preset: 14M).
inline constexpr int64_t kMaxClipActivation = int64_t{1} << 30;

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
  double dropout = 0;           // on h before the heads, in training (0: off)
  int64_t num_classes = 0;      // set from the dataset (groups or categories)
  int64_t vocabulary = 0;       // set from the vocabulary; 0 = no decoder

  bool operator==(const ModelConfig&) const = default;
};

// The preset's sizes; throws naming the preset if unknown.
ModelConfig model_preset(const std::string& name);

// Elements of the largest activation one clip makes: the resized input
// (3 x T x resize^2) or a first conv block's output (c x T x crop^2).
// Meaningful only for sizes within the kMax* bounds (no overflow there).
int64_t largest_clip_activation(const ModelConfig& config);

// Throws grain::Error with the reason (e.g. "model.crop 48 is too small: ...").
void validate_model_config(const ModelConfig& config);

}  // namespace grain
