// JPEG frame folders: constant-colour frames (which JPEG keeps within +-2),
// resampling by the timestamp rule, resizing, and errors naming the frame file.
#include <catch2/catch.hpp>

#include <fstream>

#include "data/common/error.h"
#include "data/video/frame_folder.h"
#include "data/video/jpeg.h"
#include "temp_dir.h"

using namespace grain::data;

namespace {
// Frame t: constant colour (20 t, 100, 200 - 10 t).
void write_folder(const std::filesystem::path& dir, int frames, int w, int h) {
  std::filesystem::create_directories(dir);
  for (int t = 0; t < frames; ++t) {
    std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
    for (size_t i = 0; i < rgb.size(); i += 3) {
      rgb[i] = static_cast<uint8_t>(20 * t);
      rgb[i + 1] = 100;
      rgb[i + 2] = static_cast<uint8_t>(200 - 10 * t);
    }
    char name[32];
    std::snprintf(name, sizeof(name), "%06d.jpg", t + 1);
    write_jpeg_file(dir / name, rgb.data(), w, h, 95);
  }
}
void check_colour(const DecodedVideo& v, int k, int t) {
  INFO("output " << k << " should be source frame " << t);
  for (size_t i = 0; i < v.frame_bytes(); i += 3) {
    REQUIRE(std::abs(int(v.frame(k)[i]) - 20 * t) <= 2);
    REQUIRE(std::abs(int(v.frame(k)[i + 1]) - 100) <= 2);
    REQUIRE(std::abs(int(v.frame(k)[i + 2]) - (200 - 10 * t)) <= 2);
  }
}
}  // namespace

TEST_CASE("data/frame folder: all frames at the native size", "[data][frames]") {
  grain::data::testing::TempDir dir("frames");
  write_folder(dir / "v", 5, 24, 16);
  DecodeOptions o;
  o.fps = 0;
  const DecodedVideo v = decode_frame_folder(dir / "v", 12, o);
  REQUIRE(v.frames == 5);
  REQUIRE(v.width == 24);
  REQUIRE(v.height == 16);
  for (int t = 0; t < 5; ++t) check_colour(v, t, t);
}

TEST_CASE("data/frame folder: 24 fps -> 12 fps keeps frames 0, 2, 4, 12 -> 24 repeats, resize", "[data][frames]") {
  grain::data::testing::TempDir dir("frames2");
  write_folder(dir / "v", 5, 24, 16);
  DecodeOptions o;
  o.fps = 12;
  o.width = 8;
  o.height = 8;
  const DecodedVideo v = decode_frame_folder(dir / "v", 24, o);
  // times k/12 < 5/24 -> k = 0, 1, 2 -> sources 0, 2, 4
  REQUIRE(v.frames == 3);
  REQUIRE(v.width == 8);
  for (int k = 0; k < 3; ++k) check_colour(v, k, 2 * k);
  o.fps = 24;
  const DecodedVideo u = decode_frame_folder(dir / "v", 12, o);
  REQUIRE(u.frames == 10);
  for (int k = 0; k < 10; ++k) check_colour(u, k, k / 2);
}

TEST_CASE("data/frame folder: 29.97 fps -> 12 fps picks by exact timestamps", "[data][frames]") {
  grain::data::testing::TempDir dir("frames3");
  write_folder(dir / "v", 10, 16, 16);
  DecodeOptions o;
  o.fps = 12;
  const DecodedVideo v = decode_frame_folder(dir / "v", 29.97, o);
  // Outputs while k/12 < 10/29.97 (k = 0..4); output k shows source
  // floor(k * 29.97 / 12) = 0, 2, 4 (4.995), 7, 9 (9.99). Taking the rate
  // as 30 would give 0, 2, 5, 7, 10 instead.
  REQUIRE(v.frames == 5);
  const int want[5] = {0, 2, 4, 7, 9};
  for (int k = 0; k < 5; ++k) check_colour(v, k, want[k]);
}

TEST_CASE("data/frame folder: errors name the folder or the frame", "[data][frames]") {
  grain::data::testing::TempDir dir("frames3");
  CHECK_THROWS_WITH(decode_frame_folder(dir / "none", 12), Catch::Contains("none"));
  std::filesystem::create_directories(dir / "empty");
  CHECK_THROWS_WITH(decode_frame_folder(dir / "empty", 12), Catch::Contains("no .jpg"));
  write_folder(dir / "bad", 3, 16, 16);
  std::ofstream(dir / "bad" / "000002.jpg", std::ios::binary | std::ios::trunc) << "garbage";
  CHECK_THROWS_WITH(decode_frame_folder(dir / "bad", 12), Catch::Contains("000002.jpg"));
}
