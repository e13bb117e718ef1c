// FFmpeg helpers: error strings and allocation checks.
#include "data/video/ffmpeg_util.h"

extern "C" {
#include <libavutil/error.h>
}

#include <cstdarg>
#include <cstdio>
#include <mutex>

#include "data/common/error.h"

namespace grain::data::detail {

namespace {
thread_local LogCapture* t_capture = nullptr;

void log_callback(void* avcl, int level, const char* fmt, va_list args) {
  LogCapture* capture = t_capture;
  if (!capture) {
    av_log_default_callback(avcl, level, fmt, args);
    return;
  }
  if (level > AV_LOG_WARNING) return;
  char line[512];
  va_list copy;
  va_copy(copy, args);
  std::vsnprintf(line, sizeof(line), fmt, copy);
  va_end(copy);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.find("ended prematurely") != std::string::npos && capture->premature_end.empty())
    capture->premature_end = text;
  if (level <= AV_LOG_ERROR && capture->first_error.empty()) capture->first_error = text;
}

std::once_flag g_install_once;
}  // namespace

ScopedLogCapture::ScopedLogCapture(LogCapture* capture) : previous_(t_capture) {
  std::call_once(g_install_once, [] { av_log_set_callback(log_callback); });
  t_capture = capture;
}
ScopedLogCapture::~ScopedLogCapture() { t_capture = previous_; }

std::string av_error_string(int code) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, buffer, sizeof(buffer));
  return buffer;
}

int check_av(int code, const std::string& what_file, const char* call, SourceSite where) {
  if (code < 0) throw DataError(what_file + ": " + call + " failed: " + av_error_string(code), where);
  return code;
}

FramePtr make_frame() {
  FramePtr frame(av_frame_alloc());
  if (!frame) throw std::bad_alloc();
  return frame;
}

PacketPtr make_packet() {
  PacketPtr packet(av_packet_alloc());
  if (!packet) throw std::bad_alloc();
  return packet;
}

}  // namespace grain::data::detail
