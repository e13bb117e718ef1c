// defines: grain::flag_value — the value after a command-line flag
//
// Shared by the tools' flag loops: `--flag VALUE` reads argv[i + 1] and
// advances i; a flag at the end of the line is a usage error (exit 2).
#pragma once

#include <stdexcept>
#include <string>

namespace grain {

inline std::string flag_value(int argc, char** argv, int& i) {
  if (i + 1 >= argc) throw std::invalid_argument(std::string("flag ") + argv[i] + " needs a value (see --help)");
  return argv[++i];
}

}  // namespace grain
