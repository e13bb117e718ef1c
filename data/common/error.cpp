// DataError: prefixes the message with the throw site, trimmed to the path
// inside the repository so messages are stable across build folders.
#include "data/common/error.h"

#include <string_view>

namespace grain::data {
namespace {

std::string site(const SourceSite& where) {
  std::string_view file = where.file;
  // Keep the path from the project's top-level area folder on ("data/...").
  for (std::string_view anchor : {"/data/", "/tools/", "/tests/", "/bench/"}) {
    if (auto pos = file.rfind(anchor); pos != std::string_view::npos) {
      file.remove_prefix(pos + 1);
      break;
    }
  }
  return std::string(file) + ":" + std::to_string(where.line);
}

}  // namespace

DataError::DataError(const std::string& message, SourceSite where)
    : std::runtime_error(site(where) + ": " + message), message_(message) {}

}  // namespace grain::data
