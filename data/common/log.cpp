// Logging: a mutex around one fprintf so lines from worker threads never interleave.
#include "data/common/log.h"

#include <cstdio>
#include <mutex>

namespace grain::data {
namespace {
std::mutex g_mutex;
}  // namespace

void log_message(LogLevel level, const std::string& message) {
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "[data] %s%s\n", level == LogLevel::kWarning ? "warning: " : "",
               message.c_str());
}

}  // namespace grain::data
