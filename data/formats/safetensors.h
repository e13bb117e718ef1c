// safetensors files (https://github.com/huggingface/safetensors): encode and
// decode, raw bytes in, raw bytes out.
// Layout: u64 little-endian N, N bytes of UTF-8 JSON header
//   {"__metadata__": {"format": "pt", ...},
//    "<name>": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}
// padded with spaces to a multiple of 8, then the tensors' bytes back to back.
// Design: the decoder is the gatekeeper for files from anywhere, so it applies
// every check of the reference Rust implementation (header < 100,000,000
// bytes, UTF-8, JSON, known dtypes, offsets contiguous from 0, size = shape x
// dtype size with overflow checks, no trailing bytes) plus one of its own:
// duplicate keys, which serde silently collapses, are rejected, and so is JSON
// nested deeper than 64 levels (parse_json), which the reference accepts up to
// serde's 128 but which no header needs (it has 3). Each error is
// a DataError naming the file and the tensor or field. The encoder orders
// tensors by decreasing element size (stable, like the reference writer) so
// every tensor's data is aligned to its element size for zero-copy readers.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace grain::formats {

struct SafetensorsEntry;
// Error helpers of the templates below (DataError naming the tensor).
[[noreturn]] void throw_count_mismatch(const std::string& name, uint64_t expected, size_t got);
[[noreturn]] void throw_dtype_mismatch(const SafetensorsEntry& entry, std::string_view wanted);

// One tensor: little-endian, C (row-major) order. bytes.size() must equal
// product(shape) x element size; a scalar has shape {}.
struct SafetensorsEntry {
  std::string name;
  std::string dtype;            // "F32", "F64", "I32", "I64", "BF16", "F16", "U8", "BOOL", ...
  std::vector<uint64_t> shape;
  std::string bytes;            // raw tensor bytes
};

// A whole file: tensors in data order, and the free-form string metadata.
struct SafetensorsFile {
  std::vector<SafetensorsEntry> tensors;
  std::map<std::string, std::string> metadata;  // "__metadata__"; the writer adds "format": "pt"
  std::string source;                           // the file it was read from (for errors), if any

  // The tensor with that name, or nullptr.
  const SafetensorsEntry* find(std::string_view name) const;
  // The tensor with that name; throws DataError naming the tensor when absent.
  const SafetensorsEntry& at(std::string_view name) const;
};

// The safetensors dtype of a C++ element type.
template <typename T>
constexpr std::string_view safetensors_dtype_of() {
  if constexpr (std::is_same_v<T, float>) return "F32";
  else if constexpr (std::is_same_v<T, double>) return "F64";
  else if constexpr (std::is_same_v<T, int32_t>) return "I32";
  else if constexpr (std::is_same_v<T, int64_t>) return "I64";
  else if constexpr (std::is_same_v<T, uint8_t>) return "U8";
  else static_assert(sizeof(T) == 0, "no safetensors dtype for this type");
}

// An entry holding a copy of `values` (row-major, product(shape) of them),
// dtype from T, e.g. make_safetensors_entry<float>("fc.weight", {out, in}, weights). Throws DataError naming the tensor when the count does not
// match the shape. The host must be little-endian, like the format.
template <typename T>
SafetensorsEntry make_safetensors_entry(std::string name, std::vector<uint64_t> shape, std::span<const T> values) {
  static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
  uint64_t count = 1;
  for (const uint64_t d : shape) count *= d;
  if (count != values.size()) throw_count_mismatch(name, count, values.size());
  SafetensorsEntry entry{std::move(name), std::string(safetensors_dtype_of<T>()), std::move(shape), {}};
  entry.bytes.assign(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  return entry;
}

// The entry's elements as T; throws DataError naming the tensor when its
// dtype is not T's.
template <typename T>
std::vector<T> safetensors_values(const SafetensorsEntry& entry) {
  static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
  if (entry.dtype != safetensors_dtype_of<T>()) throw_dtype_mismatch(entry, safetensors_dtype_of<T>());
  std::vector<T> values(entry.bytes.size() / sizeof(T));
  std::memcpy(values.data(), entry.bytes.data(), values.size() * sizeof(T));
  return values;
}

// Bits per element of a safetensors dtype name, or nullopt when unknown.
// Sub-byte dtypes ("F4": 4, "F6_E2M3"/"F6_E3M2": 6) are known too.
std::optional<uint32_t> safetensors_dtype_bits(std::string_view dtype);

// Encodes a file: header with "__metadata__" (plus "format": "pt" unless the
// caller set "format"), tensors ordered by decreasing element size, keeping
// the caller's order among equal sizes. Throws DataError naming the tensor
// for an unknown dtype, a byte size that does not match the shape, a
// duplicate or reserved ("__metadata__") name.
std::string encode_safetensors(const SafetensorsFile& file);

// Decodes and validates a whole file's bytes. `source` names the file in
// errors (e.g. its path). Tensors come back in the order of their offsets.
SafetensorsFile decode_safetensors(std::string_view bytes, const std::string& source);

// encode_safetensors, then written to path.tmp, fsynced and renamed onto
// path (data/common's write_file_atomic). Checkpoints use write_checkpoint
// with encode_safetensors' bytes instead.
void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file);

// Reads path and decode_safetensors; errors name the path.
SafetensorsFile read_safetensors(const std::filesystem::path& path);

}  // namespace grain::formats
