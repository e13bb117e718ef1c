// libFuzzer target: arbitrary bytes through the safetensors decoder (the
// gatekeeper for checkpoints from anywhere). Any DataError is an expected
// outcome; a crash, sanitizer report or hang is a bug. A file that decodes
// must survive a round trip: encoding it and decoding again gives the same
// tensors (names, dtypes, shapes, bytes) and metadata, or the target aborts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "data/common/error.h"
#include "data/formats/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grain::formats;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  SafetensorsFile file;
  try {
    file = decode_safetensors(bytes, "fuzz.safetensors");
  } catch (const grain::data::DataError&) {
    return 0;
  }
  const SafetensorsFile again = decode_safetensors(encode_safetensors(file), "round-trip.safetensors");
  if (again.tensors.size() != file.tensors.size()) std::abort();
  for (const SafetensorsEntry& t : file.tensors) {
    const SafetensorsEntry* u = again.find(t.name);
    if (!u || u->dtype != t.dtype || u->shape != t.shape || u->bytes != t.bytes) std::abort();
  }
  for (const auto& [key, value] : file.metadata) {
    const auto it = again.metadata.find(key);
    if (it == again.metadata.end() || it->second != value) std::abort();
  }
  return 0;
}
