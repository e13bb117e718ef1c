// defines: grain::Error, GRAIN_CHECK, GRAIN_THROW
//
// Error policy: every failure is an exception whose message starts with the
// file:line that raised it and then names the op, the file, the config key or
// the shapes at fault ("conv3d: input must be 5-D (N,T,H,W,C), got [2,3,8,8]").
// Nothing calls exit(); destructors log instead of throwing.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace grain {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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
