// The FFmpeg-backed functions of grain_video for a build without FFmpeg
// (GRAIN_FFMPEG=OFF, or AUTO on a machine without the libav* libraries).
// Design: each one throws std::runtime_error, not DataError, because the
// cause is the build, not the file: the loader replaces bad videos (it
// catches DataError only), and a whole dataset of "bad" videos would hide
// the reason behind a bad-video count.
#include <cstring>
#include <stdexcept>
#include <string>

#include "data/video/rgb_resize.h"
#include "data/video/video_decoder.h"
#include "data/video/webm_writer.h"

namespace grain::data {
namespace {

[[noreturn]] void no_ffmpeg(const std::string& what) {
  throw std::runtime_error(what + ": this build has no FFmpeg (configured with GRAIN_FFMPEG=OFF, or the libav* "
                                  "libraries were not found); it reads JPEG frame folders stored at the model's "
                                  "frame size only (make_dataset --format jpeg). Install FFmpeg with "
                                  "tools/install_deps.sh and reconfigure");
}

}  // namespace

bool built_with_ffmpeg() { return false; }

DecodedVideo decode_video(const std::filesystem::path& path, const DecodeOptions&) {
  no_ffmpeg("decode_video(" + path.string() + ")");
}

// Equal sizes need no filter; any other size would need swscale's bilinear
// filter, which keeps JPEG folders and videos scaled alike (rgb_resize.h).
void resize_rgb(const uint8_t* src, int src_w, int src_h, uint8_t* dst, int dst_w, int dst_h) {
  if (src_w != dst_w || src_h != dst_h) {
    no_ffmpeg("resize_rgb " + std::to_string(src_w) + "x" + std::to_string(src_h) + " -> " + std::to_string(dst_w) +
              "x" + std::to_string(dst_h));
  }
  std::memcpy(dst, src, static_cast<size_t>(src_w) * src_h * 3);
}

struct WebmWriter::Impl {};

WebmWriter::WebmWriter(const std::filesystem::path& path, const WebmWriterOptions&) {
  no_ffmpeg("WebmWriter(" + path.string() + ")");
}
WebmWriter::~WebmWriter() = default;
void WebmWriter::write_frame(const uint8_t*) { no_ffmpeg("WebmWriter::write_frame"); }
// Unreachable (the constructor throws); defined so the class links.
void WebmWriter::finish() {}
int64_t WebmWriter::frames_written() const { return 0; }

}  // namespace grain::data
