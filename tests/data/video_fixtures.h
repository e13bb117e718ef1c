// Deterministic test clips: each pixel's value is a hand-checkable function of
// (x, y, t), so a lossless round trip can be compared exactly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "data/video/webm_writer.h"

namespace grain::data::testing {

// Frame t of a w x h test clip: R = (x*7 + t*31) % 256, G = (y*11 + t*17) % 256, B = (x + y + t*5) % 256.
inline std::vector<uint8_t> test_frame(int w, int h, int t) {
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
      p[0] = static_cast<uint8_t>((x * 7 + t * 31) % 256);
      p[1] = static_cast<uint8_t>((y * 11 + t * 17) % 256);
      p[2] = static_cast<uint8_t>((x + y + t * 5) % 256);
    }
  return rgb;
}

inline void write_test_webm(const std::filesystem::path& path, int w, int h, int frames, int fps,
                            bool lossless, int crf = 32) {
  WebmWriterOptions o;
  o.width = w;
  o.height = h;
  o.fps = fps;
  o.lossless = lossless;
  o.crf = crf;
  WebmWriter writer(path, o);
  for (int t = 0; t < frames; ++t) writer.write_frame(test_frame(w, h, t).data());
  writer.finish();
}

// A 0.1 s mono 8 kHz 8-bit PCM WAV file (a container without a video stream).
inline std::vector<uint8_t> tiny_wav() {
  const uint32_t samples = 800;
  std::vector<uint8_t> b;
  b.reserve(44 + samples);
  auto u32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i))); };
  auto u16 = [&](uint16_t v) { for (int i = 0; i < 2; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i))); };
  auto tag = [&](const char* s) { for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(s[i])); };
  tag("RIFF"); u32(36 + samples); tag("WAVE");
  tag("fmt "); u32(16); u16(1); u16(1); u32(8000); u32(8000); u16(1); u16(8);
  tag("data"); u32(samples);
  for (uint32_t i = 0; i < samples; ++i) b.push_back(static_cast<uint8_t>(128 + ((i / 10) % 2) * 40));
  return b;
}

}  // namespace grain::data::testing
