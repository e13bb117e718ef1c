// defines: grain::smoke_preset_yaml — the smoke preset's config, compiled in
//
// configs/reproduce/smoke.yaml as text, embedded at build time
// (experiments/CMakeLists.txt writes smoke_preset.cpp from it): the
// reproduction reads its smoke preset from here, so it needs no configs
// folder and behaves the same from any working directory.
#pragma once

namespace grain {

// The YAML text of configs/reproduce/smoke.yaml as of the build.
const char* smoke_preset_yaml();

// The file it was read from, for messages.
inline constexpr const char* kSmokePresetFile = "configs/reproduce/smoke.yaml";

}  // namespace grain
