// The paper's clip preprocessing, after decoding (frames already at the
// configured fps and resized to height x width):
//   temporal: T consecutive frames; a random window in training, the centre
//             window in evaluation; a clip shorter than T is centred and
//             padded by repeating its first and last frames;
//   spatial:  a crop_h x crop_w crop, random in training, centred in evaluation
//             (no flips: SSv2 classes such as "from left to right" are not
//             mirror-symmetric);
//   output:   channels-last (T, crop_h, crop_w, 3), uint8 or float32 = pixel / pixel_scale.
// Design: the random choices are a pure function of a 64-bit seed (the loader
// passes kernels::loader_seed(seed, epoch, video index)), so a clip is reproducible alone.
#pragma once

#include <cstdint>

#include "data/video/video_decoder.h"

namespace grain::data {

enum class PixelType { kUint8, kFloat32 };

struct ClipSpec {
  int frames = 48;                 // T
  int height = 128, width = 128;   // resize target (aspect not kept)
  int crop_height = 96, crop_width = 96;
  double fps = 12;                 // decode/resample rate
  float pixel_scale = 64.0f;       // float output = uint8 value / pixel_scale (authors' code: /64)
  PixelType pixel_type = PixelType::kFloat32;

  size_t element_size() const { return pixel_type == PixelType::kUint8 ? 1 : 4; }
  // Elements of one output clip: T * crop_h * crop_w * 3.
  size_t clip_elements() const {
    return static_cast<size_t>(frames) * crop_height * crop_width * 3;
  }
  void validate() const;  // DataError naming the field when inconsistent
};

// Where the clip is cut from a video of `video_frames` frames.
struct ClipPlacement {
  int first_frame = 0;  // may be negative for short clips (frames clamp to [0, video_frames-1])
  int crop_y = 0, crop_x = 0;
};

// Training: uniform random window and crop from SplitMix64(seed); evaluation: centred.
ClipPlacement place_clip(int video_frames, const ClipSpec& spec, bool train, uint64_t seed);

// Writes the clip into out (clip_elements() elements of spec.pixel_type).
// video must be spec.height x spec.width (DataError otherwise).
void extract_clip(const DecodedVideo& video, const ClipSpec& spec, const ClipPlacement& placement, void* out);

}  // namespace grain::data
