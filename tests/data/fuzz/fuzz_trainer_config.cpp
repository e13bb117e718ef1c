// libFuzzer target: arbitrary text as a trainer config (YAML) through the
// schema (train/config_schema.cpp) and read_trainer_config
// (train/trainer_config.cpp), from the trainer library. Any
// grain::Error is an expected outcome (a config error names the file and the
// key); a crash, sanitizer report, hang or any other exception is a bug. A
// config that reads must survive the round trip the run folder relies on
// (trainer_config.h): its resolved YAML, read back through the schema, gives
// an equal TrainerConfig, or the target aborts. Known exception, skipped
// here so the run goes on (docs/data.md, "Fuzzing"): a string value that is
// not valid UTF-8 (a Latin-1 path) comes back from yaml-cpp's emitter with
// U+FFFD in place of the bad bytes, so the round trip is checked for UTF-8
// input only.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kernels/error.h"
#include "train/trainer_config.h"

namespace {

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool is_utf8(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    const size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    uint32_t cp = n == 1 ? b : b & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  grain::ConfigValues values;
  grain::TrainerConfig config;
  try {
    values = grain::trainer_schema().parse(yaml, "fuzz.yaml", {});
    config = grain::read_trainer_config(values, "fuzz.yaml");
  } catch (const grain::Error&) {
    return 0;
  }
  if (!is_utf8(yaml)) return 0;
  const std::string resolved = grain::resolved_config_yaml(values, config);
  const grain::ConfigValues again = grain::trainer_schema().parse(resolved, "config.yaml", {});
  if (!(grain::read_trainer_config(again, "config.yaml") == config)) std::abort();
  return 0;
}
