// DataError: the one exception type of the data pipeline.
// Design: the message is built once at the throw site and carries that site's
// file:line (a default argument evaluated at the call site, so no macro is
// needed; SourceSite rather than std::source_location because clang 14, used
// for the libFuzzer build, lacks it with libstdc++ 12) followed by a
// message that names the file, entry or field at fault, e.g.
//   "data/ssv2/annotations.cpp:120: train.json entry 5 (id \"78687\"): template ... not in labels.json"
// Callers that replace bad videos catch DataError only; anything else
// (std::bad_alloc, logic errors) propagates.
#pragma once

#include <stdexcept>
#include <string>

namespace grain::data {

// The file and line of a call site: `SourceSite where = SourceSite::current()`
// as a default argument records the caller's position (GCC and Clang builtins).
struct SourceSite {
  const char* file = "";
  int line = 0;
  static constexpr SourceSite current(const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
    return SourceSite{file, line};
  }
};

class DataError : public std::runtime_error {
 public:
  explicit DataError(const std::string& message,
                     SourceSite where = SourceSite::current());
  // The message without the "file:line: " prefix (for logs that add their own context).
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace grain::data
