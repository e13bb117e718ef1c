// Internal helpers for the FFmpeg wrappers: RAII owners and return-code checks.
// Design: every FFmpeg call that returns an int goes through check_av(), which
// turns a negative code into a DataError naming the file and the call.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include "data/common/error.h"
#include <string>

namespace grain::data::detail {

// "Invalid data found when processing input" for AVERROR_INVALIDDATA, etc.
std::string av_error_string(int code);

// Throws DataError("<what_file>: <call> failed: <av error>") when code < 0; returns code.
int check_av(int code, const std::string& what_file, const char* call,
             SourceSite where = SourceSite::current());

struct CodecContextDeleter {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

FramePtr make_frame();
PacketPtr make_packet();

// FFmpeg's log lines, captured per thread while a file is decoded or
// written: the matroska demuxer reports a truncated file only as a log
// warning ("File ended prematurely"), never as a return code; other threads'
// lines go to FFmpeg's default callback, and informational lines of captured
// threads (libvpx's version banner) are dropped.
struct LogCapture {
  std::string premature_end;  // the demuxer's premature-end message, if any
  std::string first_error;    // the first AV_LOG_ERROR line, for diagnostics
};
class ScopedLogCapture {
 public:
  explicit ScopedLogCapture(LogCapture* capture);
  ~ScopedLogCapture();
  ScopedLogCapture(const ScopedLogCapture&) = delete;
  ScopedLogCapture& operator=(const ScopedLogCapture&) = delete;

 private:
  LogCapture* previous_;
};

// Flags for every swscale context in the pipeline: bilinear (a triangle filter
// widened to the scale factor, so downscaling is antialiased), accurate
// rounding and bit-exact output, so results do not depend on the CPU's SIMD.
constexpr int kSwsFlags = SWS_BILINEAR | SWS_ACCURATE_RND | SWS_BITEXACT | SWS_FULL_CHR_H_INT;

}  // namespace grain::data::detail
