// Video file -> RGB frames at a fixed frame rate and size, through FFmpeg.
// Design: untrusted files. Only the "file" protocol is allowed (the path is
// passed as "file:<path>" so a name like "http:x" cannot select a network
// protocol), an interrupt callback and a loop check enforce a per-file time
// limit, decoders run with AV_EF_EXPLODE so corrupt data is an error rather
// than concealed, every return code is checked, and a file whose decoded
// frames stop well before the container's declared duration is reported as
// truncated. Frames are resampled to the output rate by timestamp: output
// frame k (time k/fps from the first frame) is the source frame on screen at
// that time, so a 24 fps source at 12 fps keeps frames 0, 2, 4, ...
// Colour conversion and resizing are one bit-exact swscale pass (bilinear).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace grain::data {

struct DecodeOptions {
  double fps = 12;            // output frame rate; <= 0 keeps every decoded frame
  int width = 0, height = 0;  // output size; 0 keeps the source size (aspect is not kept)
  double time_limit_s = 30;   // wall-clock limit per file
  int max_frames = 4096;      // more output frames than this is an error (protects memory)
  int threads = 1;            // decoder threads; the loader parallelises across files instead
};

// Frames of one clip, channels-last.
struct DecodedVideo {
  int frames = 0, height = 0, width = 0;
  std::vector<uint8_t> rgb;   // (frames, height, width, 3) uint8
  double source_fps = 0;      // the stream's average frame rate (0 when unknown)

  size_t frame_bytes() const { return static_cast<size_t>(height) * width * 3; }
  const uint8_t* frame(int t) const { return rgb.data() + static_cast<size_t>(t) * frame_bytes(); }
};

// Decodes the best video stream of a local file. Throws DataError naming the
// file for: missing/unreadable file, no video stream, corrupt or truncated
// data, zero decoded frames, time limit exceeded, too many frames.
DecodedVideo decode_video(const std::filesystem::path& path, const DecodeOptions& options = {});

// False in a build without FFmpeg (GRAIN_FFMPEG), where decode_video, the
// WebM writer and resizing to another size throw std::runtime_error saying so.
bool built_with_ffmpeg();

}  // namespace grain::data
