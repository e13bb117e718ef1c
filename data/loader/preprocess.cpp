// Clip preprocessing: window and crop choice, then one pass that copies (or
// scales to float) the cropped rows of each selected frame.
#include "data/loader/preprocess.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "data/common/error.h"
#include "data/common/rng.h"

namespace grain::data {

void ClipSpec::validate() const {
  auto bad = [](const std::string& what) { throw DataError("ClipSpec: " + what); };
  if (frames < 1) bad("frames must be >= 1, got " + std::to_string(frames));
  if (height < 1 || width < 1) bad("height/width must be >= 1");
  if (crop_height < 1 || crop_width < 1 || crop_height > height || crop_width > width)
    bad("crop " + std::to_string(crop_height) + "x" + std::to_string(crop_width) + " must fit in the resize " +
        std::to_string(height) + "x" + std::to_string(width));
  if (!(fps > 0)) bad("fps must be positive");
  if (!(pixel_scale > 0)) bad("pixel_scale must be positive");
}

ClipPlacement place_clip(int video_frames, const ClipSpec& spec, bool train, uint64_t seed) {
  if (video_frames < 1) throw DataError("place_clip: video has no frames");
  SplitMix64 rng(seed);
  ClipPlacement p;
  const int slack = video_frames - spec.frames;
  if (slack >= 0) {
    p.first_frame = train ? static_cast<int>(rng.below(static_cast<uint64_t>(slack) + 1)) : slack / 2;
  } else {
    p.first_frame = -((-slack) / 2);  // centre; the first and last frames repeat
    if (train) rng.next();           // keep the crop draws independent of clip length
  }
  const int dy = spec.height - spec.crop_height, dx = spec.width - spec.crop_width;
  if (train) {
    p.crop_y = static_cast<int>(rng.below(static_cast<uint64_t>(dy) + 1));
    p.crop_x = static_cast<int>(rng.below(static_cast<uint64_t>(dx) + 1));
  } else {
    p.crop_y = dy / 2;
    p.crop_x = dx / 2;
  }
  return p;
}

void extract_clip(const DecodedVideo& video, const ClipSpec& spec, const ClipPlacement& placement, void* out) {
  if (video.height != spec.height || video.width != spec.width)
    throw DataError("extract_clip: video is " + std::to_string(video.height) + "x" + std::to_string(video.width) +
                    ", ClipSpec expects " + std::to_string(spec.height) + "x" + std::to_string(spec.width));
  const size_t row = static_cast<size_t>(spec.crop_width) * 3;
  const size_t frame_out = row * spec.crop_height;
  for (int t = 0; t < spec.frames; ++t) {
    const int src_t = std::clamp(placement.first_frame + t, 0, video.frames - 1);
    const uint8_t* frame = video.frame(src_t);
    for (int y = 0; y < spec.crop_height; ++y) {
      const uint8_t* src =
          frame + (static_cast<size_t>(placement.crop_y + y) * video.width + placement.crop_x) * 3;
      const size_t o = static_cast<size_t>(t) * frame_out + static_cast<size_t>(y) * row;
      if (spec.pixel_type == PixelType::kUint8) {
        std::memcpy(static_cast<uint8_t*>(out) + o, src, row);
      } else {
        float* dst = static_cast<float*>(out) + o;
        const float scale = spec.pixel_scale;
        for (size_t i = 0; i < row; ++i) dst[i] = static_cast<float>(src[i]) / scale;
      }
    }
  }
}

}  // namespace grain::data
