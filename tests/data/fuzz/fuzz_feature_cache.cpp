// libFuzzer target: arbitrary bytes as the transfer protocol's feature cache
// (FEATURES.safetensors) through its reader, read_cache in
// experiments/encoder_features.cpp. That function is file-local, so this
// target compiles the .cpp into its own translation unit (the include below)
// and links what grain_experiments links, not grain_experiments itself. The
// reader returns nullopt for a cache that does not fit (it then is
// recomputed) and must never crash; a cache it accepts must be consistent
// (one class per id, h of ids x width values), or the target aborts. Seeds
// (write_fuzz_seeds) are valid caches for the fixed source and target below,
// so mutations reach the metadata and tensor checks past the key comparison.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "experiments/encoder_features.cpp"

namespace {

// The source and target every seed was written for (write_fuzz_seeds uses the same values).
const grain::EncoderSource& fuzz_source() {
  static const grain::EncoderSource source = [] {
    grain::EncoderSource s;
    s.name = "fuzz";
    s.sha256 = std::string(64, 'a');
    return s;
  }();
  return source;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/grain_fuzz_cache_" + std::to_string(::getpid()) + ".safetensors";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  const std::optional<grain::TargetFeatures> cache = grain::read_cache(path, fuzz_source(), "/fuzz/target");
  if (!cache) return 0;
  const size_t n = cache->ids.size();
  if (cache->classes.size() != n || cache->width < 0 || cache->h.size() != n * static_cast<size_t>(cache->width))
    std::abort();
  return 0;
}
