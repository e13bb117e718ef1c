// libFuzzer target: arbitrary bytes as the transfer protocol's feature cache
// (FEATURES.safetensors) through its reader, read_cache in
// experiments/encoder_features.cpp. That function is file-local, so this
// target compiles the .cpp into its own translation unit (the include below)
// and links what grain_experiments links, not grain_experiments itself.
// Each input is read twice: as given (almost every mutation fails the
// stored checksum), and, when it parses as safetensors, resealed with a
// correct checksum (write_cache's rule), so that mutations of the metadata
// and of h reach the key, shape, id and finiteness checks behind it. The
// reader returns nullopt for a cache that does not fit (it is then
// recomputed) and must never crash; a cache it accepts must be consistent
// (h of ids x width finite values, unique ids that with the left-out videos
// make up the key's videos), or the target aborts. Seeds (write_fuzz_seeds)
// are valid caches for the key below.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "experiments/encoder_features.cpp"

namespace {

constexpr int64_t kWidth = 4;

// The key every seed was written for (write_fuzz_seeds uses the same values).
const grain::CacheKey& fuzz_key() {
  static const grain::CacheKey key = [] {
    grain::CacheKey k;
    k.checkpoint_sha256 = std::string(64, 'a');
    k.preprocessing = "{}";
    k.reading = R"({"frames_fps":12.0,"storage":"auto"})";
    for (int i = 0; i < 6; ++i) k.videos[std::to_string(100 + i)] = std::string(64, static_cast<char>('0' + i));
    return k;
  }();
  return key;
}

void check(const std::string& path) {
  const std::optional<grain::Encodings> e = grain::read_cache(path, fuzz_key(), kWidth);
  if (!e) return;
  const std::set<std::string> ids(e->ids.begin(), e->ids.end());
  if (e->width != kWidth || e->h.size() != e->ids.size() * static_cast<size_t>(kWidth) || ids.size() != e->ids.size() ||
      e->ids.size() + e->left_out.size() != fuzz_key().videos.size())
    std::abort();
  for (const std::string& id : e->ids)
    if (!fuzz_key().videos.count(id)) std::abort();
  for (const float v : e->h)
    if (!std::isfinite(v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/grain_fuzz_cache_" + std::to_string(::getpid()) + ".safetensors";
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  auto write = [&](const std::string& b) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
    return true;
  };
  if (!write(bytes)) return 0;
  check(path);
  try {
    grain::formats::SafetensorsFile file = grain::formats::read_safetensors(path);
    file.metadata["checksum"] = grain::feature_cache_checksum(file);
    if (!write(grain::formats::encode_safetensors(file))) return 0;
  } catch (const std::exception&) {
    return 0;  // not safetensors: nothing to reseal
  }
  check(path);
  return 0;
}
