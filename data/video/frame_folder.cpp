// JPEG frame folders: list, resample by index arithmetic, decode only the
// selected frames, resize.
#include "data/video/frame_folder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>

#include "data/common/error.h"
#include "data/common/path_inside.h"
#include "data/video/jpeg.h"
#include "data/video/rgb_resize.h"

namespace grain::data {

namespace {

struct Ratio {
  int64_t num = 0, den = 1;
};

// A frame rate as a fraction with terms up to 1e6 (continued-fraction
// convergents): the same fraction as FFmpeg's av_d2q(fps, 1e6), which the
// video decoder uses, for every rate written with up to six decimals (12, 4,
// 29.97 = 2997/100, ...). Kept free of FFmpeg so that a build without it
// (GRAIN_FFMPEG) resamples frame folders by the same rule.
Ratio rate_fraction(double fps) {
  constexpr int64_t kMax = 1000000;
  int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;  // the last two convergents p/q
  double x = fps;
  for (int i = 0; i < 64; ++i) {
    const double whole = std::floor(x);
    if (whole > static_cast<double>(kMax)) break;
    const auto a = static_cast<int64_t>(whole);
    const int64_t p2 = a * p1 + p0, q2 = a * q1 + q0;
    if (p2 > kMax || q2 > kMax) break;
    p0 = p1, q0 = q1, p1 = p2, q1 = q2;
    const double frac = x - whole;
    if (frac < 1e-9 || std::fabs(static_cast<double>(p1) / static_cast<double>(q1) - fps) < 1e-12 * fps) break;
    x = 1.0 / frac;
  }
  return {p1, q1};
}

}  // namespace

DecodedVideo decode_frame_folder(const std::filesystem::path& folder, double source_fps,
                                 const DecodeOptions& options, const std::filesystem::path& resolved_root) {
  namespace fs = std::filesystem;
  const auto start = std::chrono::steady_clock::now();
  const std::string name = folder.string();
  if (!fs::is_directory(folder)) throw DataError(name + ": frame folder not found");
  if (!(source_fps > 0)) throw DataError(name + ": source frame rate must be positive");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".JPG" || ext == ".JPEG"))
      files.push_back(e.path());
  }
  if (files.empty()) throw DataError(name + ": no .jpg frames");
  const fs::path root = resolved_root.empty() ? resolve_folder(folder) : resolved_root;
  std::sort(files.begin(), files.end());
  const auto n = static_cast<int64_t>(files.size());

  // Output k at time k/fps shows source i = floor(k * src / fps); outputs while k/fps < n/src.
  std::vector<int64_t> pick;
  if (options.fps > 0) {
    const Ratio src = rate_fraction(source_fps), out = rate_fraction(options.fps);
    for (int64_t k = 0;; ++k) {
      // k/out < n/src  <=>  k * out.den * src.num < n * src.den * out.num
      const __int128 lhs = static_cast<__int128>(k) * out.den * src.num;
      if (!(lhs < static_cast<__int128>(n) * src.den * out.num)) break;
      const __int128 i = static_cast<__int128>(k) * src.num * out.den / (static_cast<__int128>(src.den) * out.num);
      pick.push_back(static_cast<int64_t>(std::min<__int128>(i, n - 1)));
      if (static_cast<int64_t>(pick.size()) > options.max_frames)
        throw DataError(name + ": more than " + std::to_string(options.max_frames) +
                        " output frames (DecodeOptions.max_frames)");
    }
  } else {
    for (int64_t i = 0; i < n; ++i) pick.push_back(i);
    if (n > options.max_frames)
      throw DataError(name + ": more than " + std::to_string(options.max_frames) + " frames");
  }

  DecodedVideo v;
  v.source_fps = source_fps;
  int64_t decoded_index = -1;
  std::vector<uint8_t> resized;
  for (size_t k = 0; k < pick.size(); ++k) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > options.time_limit_s)
      throw DataError(name + ": decoding exceeded the time limit of " + std::to_string(options.time_limit_s) + " s");
    if (pick[k] == decoded_index) {  // a repeated frame: copy the previous output
      v.rgb.insert(v.rgb.end(), v.rgb.end() - static_cast<ptrdiff_t>(v.frame_bytes()), v.rgb.end());
      ++v.frames;
      continue;
    }
    const RgbImage img =
        decode_jpeg_file(resolve_inside(files[static_cast<size_t>(pick[k])], root, "frame folder " + name));
    if (v.frames == 0) {
      v.width = options.width > 0 ? options.width : img.width;
      v.height = options.height > 0 ? options.height : img.height;
    } else if (options.width <= 0 && (img.width != v.width || img.height != v.height)) {
      throw DataError(files[static_cast<size_t>(pick[k])].string() + ": frame size " + std::to_string(img.width) +
                      "x" + std::to_string(img.height) + " differs from the first frame's");
    }
    const size_t offset = v.rgb.size();
    v.rgb.resize(offset + v.frame_bytes());
    resize_rgb(img.rgb.data(), img.width, img.height, v.rgb.data() + offset, v.width, v.height);
    decoded_index = pick[k];
    ++v.frames;
  }
  return v;
}

}  // namespace grain::data
