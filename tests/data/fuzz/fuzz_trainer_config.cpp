// libFuzzer target: arbitrary text as a trainer config (YAML) through the
// schema (tools/trainer/config_schema.cpp) and read_trainer_config
// (tools/trainer/trainer_config.cpp), from the trainer library. Any
// grain::Error is an expected outcome (a config error names the file and the
// key); a crash, sanitizer report, hang or any other exception is a bug. A
// config that reads must survive the round trip the run folder relies on
// (trainer_config.h): its resolved YAML, read back through the schema, gives
// an equal TrainerConfig, or the target aborts.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kernels/error.h"
#include "tools/trainer/trainer_config.h"

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
  const std::string resolved = grain::resolved_config_yaml(values, config);
  const grain::ConfigValues again = grain::trainer_schema().parse(resolved, "config.yaml", {});
  if (!(grain::read_trainer_config(again, "config.yaml") == config)) std::abort();
  return 0;
}
