// Logging: a mutex around one fprintf so lines from worker threads never interleave.
#include "data/common/log.h"

#include <cstdio>
#include <mutex>

namespace grain::data {
namespace {
std::mutex g_mutex;
std::function<void(LogLevel, const std::string&)> g_sink;
}  // namespace

void log_message(LogLevel level, const std::string& message) {
  std::lock_guard lock(g_mutex);
  if (g_sink) {
    g_sink(level, message);
    return;
  }
  std::fprintf(stderr, "[data] %s%s\n", level == LogLevel::kWarning ? "warning: " : "",
               message.c_str());
}

void set_log_sink(std::function<void(LogLevel, const std::string&)> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

}  // namespace grain::data
