// JPEG round trips against the encoded pixels, and corrupt-input errors.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "data/common/error.h"
#include "data/video/jpeg.h"
#include "temp_dir.h"

using namespace grain::data;

namespace {
// A smooth gradient image: JPEG at quality 95 reproduces it within a few levels.
std::vector<uint8_t> gradient(int w, int h) {
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
      p[0] = static_cast<uint8_t>(x * 255 / (w - 1));
      p[1] = static_cast<uint8_t>(y * 255 / (h - 1));
      p[2] = 128;
    }
  return rgb;
}
}  // namespace

TEST_CASE("data/jpeg: encode/decode round trip of a gradient within 6 levels, mean within 1.5", "[data][jpeg]") {
  const int w = 64, h = 48;
  const auto rgb = gradient(w, h);
  const auto bytes = encode_jpeg(rgb.data(), w, h, 95);
  REQUIRE(bytes.size() > 100);
  CHECK(bytes[0] == 0xFF);
  CHECK(bytes[1] == 0xD8);
  const RgbImage img = decode_jpeg(bytes.data(), bytes.size(), "mem");
  REQUIRE(img.width == w);
  REQUIRE(img.height == h);
  REQUIRE(img.rgb.size() == rgb.size());
  int max_diff = 0;
  double sum = 0;
  for (size_t i = 0; i < rgb.size(); ++i) {
    const int d = std::abs(int(img.rgb[i]) - int(rgb[i]));
    max_diff = std::max(max_diff, d);
    sum += d;
  }
  CHECK(max_diff <= 6);
  CHECK(sum / rgb.size() <= 1.5);
}

TEST_CASE("data/jpeg: file round trip and deterministic bytes", "[data][jpeg]") {
  testing::TempDir dir("jpeg");
  const auto rgb = gradient(32, 32);
  write_jpeg_file(dir / "a.jpg", rgb.data(), 32, 32, 90);
  write_jpeg_file(dir / "b.jpg", rgb.data(), 32, 32, 90);
  const RgbImage a = decode_jpeg_file(dir / "a.jpg");
  const RgbImage b = decode_jpeg_file(dir / "b.jpg");
  CHECK(a.rgb == b.rgb);
  CHECK(encode_jpeg(rgb.data(), 32, 32, 90) == encode_jpeg(rgb.data(), 32, 32, 90));
  CHECK_FALSE(std::filesystem::exists(dir / "a.jpg.tmp"));
}

TEST_CASE("data/jpeg: corrupt inputs are DataErrors naming the file", "[data][jpeg]") {
  testing::TempDir dir("jpegbad");
  const auto rgb = gradient(64, 64);
  const auto bytes = encode_jpeg(rgb.data(), 64, 64, 90);
  auto expect_error = [](const std::vector<uint8_t>& data, const std::string& name) {
    try {
      decode_jpeg(data.data(), data.size(), name);
      FAIL("no error for " << name);
    } catch (const DataError& e) {
      CHECK_THAT(e.what(), Catch::Contains(name));
    }
  };
  expect_error({}, "empty.jpg");
  for (size_t cut : {size_t(2), size_t(20), bytes.size() / 2, bytes.size() - 10})
    expect_error(std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(cut)),
                 "truncated_" + std::to_string(cut) + ".jpg");
  std::string text = "this is not a jpeg at all";
  expect_error(std::vector<uint8_t>(text.begin(), text.end()), "text.jpg");
  // Missing file.
  CHECK_THROWS_WITH(decode_jpeg_file(dir / "missing.jpg"), Catch::Contains("missing.jpg"));
}

// Any file may reach the decoder as a frame; libjpeg's own text for a file
// without the start-of-image marker printed its first two bytes
// ("starts with 0x72 0x6f" for "root:..."), which then went to the log in
// the loader's bad-video warning.
TEST_CASE("data/jpeg: the error for a non-JPEG file shows none of its bytes", "[data][jpeg]") {
  const std::string secret = "root:$6$hash:19000:0:99999:7:::\n";
  try {
    decode_jpeg(reinterpret_cast<const uint8_t*>(secret.data()), secret.size(), "frames/5/000001.jpg");
    FAIL("no error");
  } catch (const DataError& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains("frames/5/000001.jpg: corrupt JPEG: not a JPEG file (no start-of-image marker)"));
    CHECK_THAT(msg, !Catch::Contains("0x72") && !Catch::Contains("0x6f") && !Catch::Contains("root"));
  }
}

TEST_CASE("data/jpeg: bad arguments to the encoder", "[data][jpeg]") {
  const auto rgb = gradient(8, 8);
  CHECK_THROWS_AS(encode_jpeg(rgb.data(), 8, 8, 0), DataError);
  CHECK_THROWS_AS(encode_jpeg(rgb.data(), 0, 8, 90), DataError);
  CHECK_THROWS_AS(encode_jpeg(nullptr, 8, 8, 90), DataError);
}
