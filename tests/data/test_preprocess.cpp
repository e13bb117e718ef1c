// Clip preprocessing: window/crop placement and the copied pixels against
// hand-worked indices.
#include <catch2/catch.hpp>

#include <set>

#include "data/common/error.h"
#include "data/loader/preprocess.h"

using namespace grain::data;

namespace {
// Pixel (t, y, x, c) = (t * 16 + y * 4 + x + c) % 256 of a frames x h x w video.
DecodedVideo indexed_video(int frames, int h, int w) {
  DecodedVideo v;
  v.frames = frames;
  v.height = h;
  v.width = w;
  v.rgb.resize(v.frame_bytes() * frames);
  for (int t = 0; t < frames; ++t)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int c = 0; c < 3; ++c)
          v.rgb[((static_cast<size_t>(t) * h + y) * w + x) * 3 + c] = static_cast<uint8_t>((t * 16 + y * 4 + x + c) % 256);
  return v;
}
ClipSpec small_spec() {
  ClipSpec s;
  s.frames = 4;
  s.height = 8;
  s.width = 8;
  s.crop_height = 4;
  s.crop_width = 6;
  return s;
}
}  // namespace

TEST_CASE("data/preprocess: evaluation placement is centred", "[data][preprocess]") {
  ClipSpec paper;  // 48 frames, 128 -> 96
  const ClipPlacement p = place_clip(60, paper, false, 123);
  CHECK(p.first_frame == 6);  // (60 - 48) / 2
  CHECK(p.crop_y == 16);      // (128 - 96) / 2
  CHECK(p.crop_x == 16);
  const ClipPlacement s = place_clip(10, paper, false, 0);
  CHECK(s.first_frame == -19);  // (48 - 10) / 2 frames of padding before
}

TEST_CASE("data/preprocess: training placement is random, in range, and a function of the seed", "[data][preprocess]") {
  ClipSpec paper;
  std::set<int> starts, ys;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const ClipPlacement p = place_clip(60, paper, true, seed);
    CHECK(p.first_frame >= 0);
    CHECK(p.first_frame <= 12);
    CHECK(p.crop_y >= 0);
    CHECK(p.crop_y <= 32);
    CHECK(p.crop_x <= 32);
    starts.insert(p.first_frame);
    ys.insert(p.crop_y);
    const ClipPlacement q = place_clip(60, paper, true, seed);
    CHECK((q.first_frame == p.first_frame && q.crop_y == p.crop_y && q.crop_x == p.crop_x));
  }
  CHECK(starts.size() == 13);  // all 13 windows occur in 200 draws
  CHECK(ys.size() > 20);
}

TEST_CASE("data/preprocess: extract_clip copies the window and crop, channels-last", "[data][preprocess]") {
  ClipSpec s = small_spec();
  s.pixel_type = PixelType::kUint8;
  const DecodedVideo v = indexed_video(6, 8, 8);
  ClipPlacement p;
  p.first_frame = 1;
  p.crop_y = 2;
  p.crop_x = 1;
  std::vector<uint8_t> out(s.clip_elements());
  extract_clip(v, s, p, out.data());
  // out(t, y, x, c) = video(t + 1, y + 2, x + 1, c)
  for (int t = 0; t < 4; ++t)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 6; ++x)
        for (int c = 0; c < 3; ++c) {
          const int expected = ((t + 1) * 16 + (y + 2) * 4 + (x + 1) + c) % 256;
          REQUIRE(int(out[((static_cast<size_t>(t) * 4 + y) * 6 + x) * 3 + c]) == expected);
        }
}

TEST_CASE("data/preprocess: short clips repeat first and last frames, float output divides by the scale",
          "[data][preprocess]") {
  ClipSpec s = small_spec();
  s.frames = 6;
  s.pixel_scale = 64.0f;
  const DecodedVideo v = indexed_video(2, 8, 8);
  const ClipPlacement p = place_clip(2, s, false, 0);
  REQUIRE(p.first_frame == -2);
  std::vector<float> out(s.clip_elements());
  extract_clip(v, s, p, out.data());
  const size_t frame = 4 * 6 * 3;
  // Source frames for t = 0..5: 0, 0, 0, 1, 1, 1. Element (y=0, x=0, c=0) of source t0: (t0*16 + 2*4 + 1) / 64.
  const int src[6] = {0, 0, 0, 1, 1, 1};
  for (int t = 0; t < 6; ++t) CHECK(out[t * frame] == float(src[t] * 16 + p.crop_y * 4 + p.crop_x) / 64.0f);
  CHECK(p.crop_y == 2);
  CHECK(p.crop_x == 1);
  CHECK(out[0] == 9.0f / 64.0f);
}

TEST_CASE("data/preprocess: spec validation and size mismatch", "[data][preprocess]") {
  ClipSpec s = small_spec();
  s.crop_height = 9;
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("crop"));
  ClipSpec ok = small_spec();
  const DecodedVideo v = indexed_video(2, 6, 8);
  std::vector<float> out(ok.clip_elements());
  CHECK_THROWS_AS(extract_clip(v, ok, ClipPlacement{}, out.data()), DataError);
}
