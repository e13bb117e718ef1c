// defines: grain::Error, grain::SourceSite
//
// The project's one exception family, header-only so that data/ (which does
// not link the engine) and engine/ throw the same type: grain::Error, and
// grain::data::DataError derived from it for failures a data pipeline may
// recover from (a bad video is replaced; anything else propagates). A caller
// that reports any project failure catches grain::Error.
//
// The message starts with the file:line of the throw site, trimmed to the
// path inside the repository so messages are stable across build folders,
// then names the op, the file, the config key or the field at fault:
//   "engine/ops/conv.cpp:42: conv3d: input must be 5-D (N,T,H,W,C), got [2,3,8,8]"
// The site is a SourceSite: `SourceSite where = SourceSite::current()` as a
// default argument records the caller's position without a macro (GCC and
// Clang builtins; not std::source_location, which clang 14 with libstdc++ 12,
// used for the libFuzzer build, lacks).
#pragma once

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

namespace grain {

/// The file and line of a call site.
struct SourceSite {
  const char* file = "";
  int line = 0;
  static constexpr SourceSite current(const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
    return SourceSite{file, line};
  }
  /// "data/ssv2/annotations.cpp:120": the path from the top-level area folder on.
  std::string str() const {
    std::string_view shown = file;
    for (std::string_view area : {"/engine/", "/kernels/", "/layers/", "/models/", "/data/", "/train/",
                                  "/experiments/", "/cli/", "/tools/", "/tests/", "/bench/"}) {
      if (const size_t at = shown.rfind(area); at != std::string_view::npos) {
        shown.remove_prefix(at + 1);
        break;
      }
    }
    return std::string(shown) + ":" + std::to_string(line);
  }
};

class Error : public std::runtime_error {
 public:
  /// what() is "<site>: <message>".
  explicit Error(const std::string& message, SourceSite where = SourceSite::current())
      : std::runtime_error(where.str() + ": " + message), message_(message) {}
  /// The message without the "file:line: " prefix (for logs that add their own context).
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace grain
