// defines: grain::throw_error
#include "engine/error.h"

#include <cstring>

namespace grain {

void throw_error(const char* file, int line, const std::string& message) {
  // Keep the path from the project root: "engine/ops/conv.cpp:42".
  const char* shown = file;
  for (const char* root : {"/engine/", "/kernels/", "/layers/", "/models/", "/data/", "/tools/"}) {
    if (const char* at = std::strstr(file, root)) { shown = at + 1; break; }
  }
  throw Error(std::string(shown) + ":" + std::to_string(line) + ": " + message);
}

}  // namespace grain
