// WebmWriter + decode_video: lossless VP9 round trips compare decoded pixels
// with the encoded ones exactly (tolerance 0), the writer is byte-deterministic,
// fps resampling follows the timestamp rule, and corrupt files are errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/video/video_decoder.h"
#include "data/video/webm_writer.h"
#include "temp_dir.h"
#include "video_fixtures.h"

using namespace grain::data;
using grain::data::testing::TempDir;
namespace fx = grain::data::testing;

TEST_CASE("data/webm: lossless VP9 round trip gives the encoded pixels exactly", "[data][webm]") {
  TempDir dir("webm");
  const int w = 32, h = 24, n = 6;
  const auto path = dir / "clip.webm";
  fx::write_test_webm(path, w, h, n, 12, true);
  DecodeOptions opt;
  opt.fps = 0;  // every frame
  const DecodedVideo v = decode_video(path, opt);
  REQUIRE(v.frames == n);
  REQUIRE(v.width == w);
  REQUIRE(v.height == h);
  CHECK(v.source_fps == Approx(12.0));
  for (int t = 0; t < n; ++t) {
    const auto expected = fx::test_frame(w, h, t);
    INFO("frame " << t);
    CHECK(std::equal(expected.begin(), expected.end(), v.frame(t)));
  }
}

TEST_CASE("data/webm: writer output is byte-identical for identical input", "[data][webm]") {
  TempDir dir("webmdet");
  for (bool lossless : {true, false}) {
    fx::write_test_webm(dir / "a.webm", 32, 24, 5, 12, lossless);
    fx::write_test_webm(dir / "b.webm", 32, 24, 5, 12, lossless);
    const auto a = read_binary_file(dir / "a.webm");
    const auto b = read_binary_file(dir / "b.webm");
    REQUIRE(a.size() > 100);
    CHECK(a == b);
  }
}

TEST_CASE("data/webm: lossy VP9 decodes close to the input (mean abs error < 8)", "[data][webm]") {
  TempDir dir("webmlossy");
  const int w = 32, h = 24, n = 4;
  fx::write_test_webm(dir / "c.webm", w, h, n, 12, false, 10);
  DecodeOptions opt;
  opt.fps = 0;
  const DecodedVideo v = decode_video(dir / "c.webm", opt);
  REQUIRE(v.frames == n);
  double sum = 0;
  for (int t = 0; t < n; ++t) {
    const auto e = fx::test_frame(w, h, t);
    for (size_t i = 0; i < e.size(); ++i) sum += std::abs(int(e[i]) - int(v.frame(t)[i]));
  }
  CHECK(sum / (double(n) * w * h * 3) < 8.0);
}

TEST_CASE("data/webm: resampling 24 fps to 12 fps keeps every other frame", "[data][webm]") {
  TempDir dir("webmfps");
  const int w = 16, h = 16, n = 10;
  fx::write_test_webm(dir / "d.webm", w, h, n, 24, true);
  DecodeOptions opt;
  opt.fps = 12;
  const DecodedVideo v = decode_video(dir / "d.webm", opt);
  // Duration 10/24 s; output times k/12 < 10/24 -> k = 0..4, source frames 0,2,4,6,8.
  REQUIRE(v.frames == 5);
  for (int k = 0; k < 5; ++k) {
    const auto e = fx::test_frame(w, h, 2 * k);
    INFO("output " << k);
    CHECK(std::equal(e.begin(), e.end(), v.frame(k)));
  }
  // Upsampling 12 -> 24 repeats each frame twice.
  fx::write_test_webm(dir / "e.webm", w, h, 3, 12, true);
  opt.fps = 24;
  const DecodedVideo u = decode_video(dir / "e.webm", opt);
  REQUIRE(u.frames == 6);
  for (int k = 0; k < 6; ++k) {
    const auto e = fx::test_frame(w, h, k / 2);
    INFO("output " << k);
    CHECK(std::equal(e.begin(), e.end(), u.frame(k)));
  }
}

TEST_CASE("data/webm: resizing a constant-colour clip keeps the colour exactly", "[data][webm]") {
  TempDir dir("webmresize");
  const int w = 40, h = 30;
  std::vector<uint8_t> frame(static_cast<size_t>(w) * h * 3);
  for (size_t i = 0; i < frame.size(); i += 3) {
    frame[i] = 200;
    frame[i + 1] = 50;
    frame[i + 2] = 10;
  }
  {
    WebmWriter writer(dir / "f.webm", {w, h, 12, true, 0});
    for (int t = 0; t < 3; ++t) writer.write_frame(frame.data());
    writer.finish();
  }
  DecodeOptions opt;
  opt.width = 16;
  opt.height = 12;
  const DecodedVideo v = decode_video(dir / "f.webm", opt);
  REQUIRE(v.frames == 3);
  REQUIRE(v.width == 16);
  REQUIRE(v.height == 12);
  for (size_t i = 0; i < v.rgb.size(); i += 3) {
    CHECK(int(v.rgb[i]) == Approx(200).margin(1));
    CHECK(int(v.rgb[i + 1]) == Approx(50).margin(1));
    CHECK(int(v.rgb[i + 2]) == Approx(10).margin(1));
  }
}

TEST_CASE("data/webm: corrupt and non-video inputs are DataErrors naming the file", "[data][webm]") {
  TempDir dir("webmbad");
  fx::write_test_webm(dir / "good.webm", 32, 24, 12, 12, true);
  const auto good = read_binary_file(dir / "good.webm");
  auto write = [&](const std::string& name, const std::vector<uint8_t>& bytes) {
    std::ofstream out(dir / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return dir / name;
  };
  auto expect_error = [](const std::filesystem::path& p) {
    INFO(p.string());
    try {
      decode_video(p);
      FAIL("no error for " << p.string());
    } catch (const DataError& e) {
      CHECK_THAT(e.what(), Catch::Contains(p.filename().string()));
    }
  };
  expect_error(write("empty.webm", {}));
  expect_error(dir / "missing.webm");
  for (double f : {0.05, 0.3, 0.6, 0.9}) {
    const auto cut = static_cast<long>(good.size() * f);
    expect_error(write("trunc_" + std::to_string(cut) + ".webm",
                       std::vector<uint8_t>(good.begin(), good.begin() + cut)));
  }
  const std::string text = "hello, this is a text file and not a video\n";
  expect_error(write("text.webm", std::vector<uint8_t>(text.begin(), text.end())));
  // A WAV file: a valid container with an audio stream and no video stream.
  expect_error(write("audio.wav", fx::tiny_wav()));
}

TEST_CASE("data/webm: writer rejects bad options", "[data][webm]") {
  TempDir dir("webmopt");
  CHECK_THROWS_AS(WebmWriter(dir / "x.webm", {0, 10, 12, true, 0}), DataError);
  CHECK_THROWS_AS(WebmWriter(dir / "x.webm", {15, 10, 12, false, 32}), DataError);  // odd width, yuv420p
  CHECK_THROWS_AS(WebmWriter(dir / "x.webm", {16, 10, 0, true, 0}), DataError);
  CHECK_THROWS_AS(WebmWriter(dir / "no_such_dir" / "x.webm", {16, 10, 12, true, 0}), DataError);
}

TEST_CASE("data/webm: the per-file time limit and the frame cap are errors naming the file", "[data][webm]") {
  TempDir dir("webmlimits");
  fx::write_test_webm(dir / "g.webm", 16, 16, 8, 12, true);
  DecodeOptions o;
  o.time_limit_s = 0;  // already expired when decoding starts
  CHECK_THROWS_WITH(decode_video(dir / "g.webm", o), Catch::Contains("g.webm") && Catch::Contains("time limit"));
  DecodeOptions cap;
  cap.max_frames = 5;
  CHECK_THROWS_WITH(decode_video(dir / "g.webm", cap), Catch::Contains("g.webm") && Catch::Contains("max_frames"));
  cap.max_frames = 8;
  CHECK(decode_video(dir / "g.webm", cap).frames == 8);
}

TEST_CASE("data/webm: flipped bytes give a DataError naming the file or a decodable clip, never a crash",
          "[data][webm]") {
  TempDir dir("webmflip");
  fx::write_test_webm(dir / "good.webm", 32, 24, 6, 12, true);
  const auto good = read_binary_file(dir / "good.webm");
  int errors = 0;
  // Byte 0 is the EBML magic (always an error); the others land in headers and frame data.
  for (size_t pos : {size_t(0), size_t(40), good.size() / 4, good.size() / 2, good.size() - 20}) {
    auto bytes = good;
    for (size_t k = pos; k < std::min(pos + 4, bytes.size()); ++k) bytes[k] ^= 0xA5;
    const auto path = dir / ("flip_" + std::to_string(pos) + ".webm");
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    INFO(path.string());
    try {
      const DecodedVideo v = decode_video(path);
      CHECK(v.frames >= 1);  // corruption the format cannot detect (lossless VP9 has no checksum)
    } catch (const DataError& e) {
      ++errors;
      CHECK_THAT(e.what(), Catch::Contains(path.filename().string()));
    }
  }
  CHECK(errors >= 1);
}
