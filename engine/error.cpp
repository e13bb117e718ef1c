// defines: grain::throw_error
// Out of line so that each GRAIN_CHECK site stays small.
#include "engine/error.h"

namespace grain {

void throw_error(const char* file, int line, const std::string& message) {
  throw Error(message, SourceSite{file, line});
}

}  // namespace grain
