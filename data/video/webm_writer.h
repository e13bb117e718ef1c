// WebmWriter: RGB frames -> VP9 in WebM through libavformat/libavcodec (libvpx-vp9).
// Design: deterministic output (same frames and options -> byte-identical
// file), because the synthetic datasets and the tests are checked by hash:
// AVFMT_FLAG_BITEXACT and AV_CODEC_FLAG_BITEXACT (no library versions, dates
// or random UIDs in the container), one libvpx thread, fixed rate control.
// Lossless mode encodes planar RGB (gbrp, VP9 profile 1) so decoded pixels
// equal the input exactly; lossy mode encodes yuv420p at a constant quality.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

namespace grain::data {

struct WebmWriterOptions {
  int width = 0, height = 0;  // frame size in pixels; both >= 2 (even for lossy yuv420p)
  int fps = 12;               // constant frame rate; timestamps are frame_index / fps
  bool lossless = false;      // true: VP9 lossless on RGB planes (exact pixels)
  int crf = 32;               // constant quality for lossy mode, 0..63
};

class WebmWriter {
 public:
  // Opens `path` for writing and sets up the encoder; throws DataError naming the path.
  WebmWriter(const std::filesystem::path& path, const WebmWriterOptions& options);
  ~WebmWriter();  // finishes if needed; logs, never throws
  WebmWriter(const WebmWriter&) = delete;
  WebmWriter& operator=(const WebmWriter&) = delete;

  // Appends one frame: rgb24 holds height*width*3 bytes, row-major (H, W, 3) RGB.
  void write_frame(const uint8_t* rgb24);
  // Flushes the encoder, writes the trailer and closes the file (idempotent).
  void finish();
  int64_t frames_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace grain::data
