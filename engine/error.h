// defines: GRAIN_CHECK, GRAIN_THROW, grain::throw_error (and, from kernels/error.h, grain::Error)
//
// Error policy: every failure is an exception whose message starts with the
// file:line that raised it and then names the op, the file, the config key or
// the shapes at fault ("conv3d: input must be 5-D (N,T,H,W,C), got [2,3,8,8]").
// The engine throws grain::Error, the one exception family it shares with
// data/ (kernels/error.h); these macros stream the message.
// Nothing calls exit(); destructors log instead of throwing.
#pragma once

#include <sstream>
#include <string>

#include "kernels/error.h"  // defines: grain::Error, grain::SourceSite

namespace grain {

/// Throws Error(message) with the site (file, line).
[[noreturn]] void throw_error(const char* file, int line, const std::string& message);

}  // namespace grain

// GRAIN_THROW("conv3d: bad stride " << s) — streams the message.
#define GRAIN_THROW(message_stream)                                    \
  do {                                                                 \
    std::ostringstream grain_error_stream_;                            \
    grain_error_stream_ << message_stream;                             \
    ::grain::throw_error(__FILE__, __LINE__, grain_error_stream_.str()); \
  } while (0)

// GRAIN_CHECK(x.dim() == 5, "conv3d: input must be 5-D, got " << x.shape())
#define GRAIN_CHECK(condition, message_stream) \
  do {                                         \
    if (!(condition)) GRAIN_THROW(message_stream); \
  } while (0)
