// safetensors encoder and validating decoder (see safetensors.h for the rules).
#include "data/formats/safetensors.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/common/json_read.h"

namespace grain::formats {

using grain::data::DataError;

namespace {

constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // the reference's MAX_HEADER_SIZE
constexpr char kMetadataKey[] = "__metadata__";

struct DtypeInfo {
  std::string_view name;
  uint32_t bits;
};

// The reference implementation's Dtype enum (safetensors 0.5).
constexpr DtypeInfo kDtypes[] = {
    {"BOOL", 8},     {"F4", 4},       {"F6_E2M3", 6},  {"F6_E3M2", 6},  {"U8", 8},
    {"I8", 8},       {"F8_E5M2", 8},  {"F8_E4M3", 8},  {"F8_E8M0", 8},  {"I16", 16},
    {"U16", 16},     {"F16", 16},     {"BF16", 16},    {"I32", 32},     {"U32", 32},
    {"F32", 32},     {"F64", 64},     {"I64", 64},     {"U64", 64},     {"C64", 64},
};

// Index of the first byte that is not part of well-formed UTF-8 (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF), or npos.
size_t find_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    size_t len;
    uint32_t min_cp, cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; min_cp = 0x80; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; min_cp = 0x800; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; min_cp = 0x10000; cp = c & 0x07; }
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

// Multiplies with overflow detection; false on overflow.
bool checked_mul(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

// Byte size of a tensor, or an error string (overflow, not a whole number of bytes).
std::optional<uint64_t> tensor_bytes(const std::vector<uint64_t>& shape, uint32_t bits, std::string& why) {
  uint64_t elements = 1;
  for (const uint64_t d : shape) {
    if (!checked_mul(elements, d, elements)) {
      why = "shape overflows 64 bits";
      return std::nullopt;
    }
  }
  uint64_t total_bits;
  if (!checked_mul(elements, bits, total_bits)) {
    why = "shape x dtype size overflows 64 bits";
    return std::nullopt;
  }
  if (total_bits % 8 != 0) {
    why = "shape x dtype size is not a whole number of bytes (" + std::to_string(total_bits) + " bits)";
    return std::nullopt;
  }
  return total_bits / 8;
}

std::string shape_string(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

using grain::data::describe_json;

std::string in_quotes(std::string_view name) { return "'" + std::string(name) + "'"; }

// Parses the header JSON (depth-bounded by parse_json), rejecting duplicate
// keys at any depth (nlohmann, like serde, would otherwise silently keep one
// of them).
nlohmann::json parse_header_json(std::string_view text, const std::string& source) {
  struct Level {
    std::set<std::string> keys;
    std::string last_key;
  };
  std::vector<Level> levels;
  auto reject_duplicates = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) -> bool {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) {
      levels.emplace_back();
    } else if (event == E::object_end) {
      levels.pop_back();
    } else if (event == E::key) {
      std::string key = parsed.get<std::string>();
      if (!levels.back().keys.insert(key).second) {
        if (levels.size() == 1)
          throw DataError(source + ": safetensors header: duplicate tensor name " + in_quotes(key));
        throw DataError(source + ": safetensors header: " + in_quotes(levels[0].last_key) +
                        ": duplicate field " + in_quotes(key));
      }
      levels.back().last_key = std::move(key);
    }
    return true;
  };
  return grain::data::parse_json(text, source + ": safetensors header", grain::data::kMaxJsonDepth,
                                 reject_duplicates);
}

uint64_t require_uint(const nlohmann::json& value, const std::string& where) {
  if (!value.is_number_unsigned())
    throw DataError(where + " must be a non-negative integer, got " + describe_json(value));
  return value.get<uint64_t>();
}

SafetensorsEntry parse_tensor(const std::string& name, const nlohmann::json& info, const std::string& source,
                              uint64_t& begin, uint64_t& end) {
  const std::string where = source + ": tensor " + in_quotes(name);
  if (!info.is_object()) throw DataError(where + ": header entry must be a JSON object, got " + describe_json(info));
  // Unknown fields are ignored, as the reference implementation does.
  for (const char* field : {"dtype", "shape", "data_offsets"})
    if (!info.contains(field)) throw DataError(where + ": missing field '" + field + "'");

  SafetensorsEntry entry;
  entry.name = name;
  const auto& dtype = info["dtype"];
  if (!dtype.is_string()) throw DataError(where + ": field 'dtype' must be a string, got " + describe_json(dtype));
  entry.dtype = dtype.get<std::string>();
  if (!safetensors_dtype_bits(entry.dtype)) throw DataError(where + ": unknown dtype " + in_quotes(entry.dtype));

  const auto& shape = info["shape"];
  if (!shape.is_array()) throw DataError(where + ": field 'shape' must be an array, got " + describe_json(shape));
  for (size_t i = 0; i < shape.size(); ++i)
    entry.shape.push_back(require_uint(shape[i], where + ": shape[" + std::to_string(i) + "]"));

  const auto& offsets = info["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2)
    throw DataError(where + ": field 'data_offsets' must be [begin, end], got " + describe_json(offsets));
  begin = require_uint(offsets[0], where + ": data_offsets[0]");
  end = require_uint(offsets[1], where + ": data_offsets[1]");
  return entry;
}

}  // namespace

const SafetensorsEntry* SafetensorsFile::find(std::string_view name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

const SafetensorsEntry& SafetensorsFile::at(std::string_view name) const {
  if (const auto* t = find(name)) return *t;
  throw DataError((source.empty() ? std::string("safetensors") : source) + ": no tensor named " + in_quotes(name));
}

void throw_count_mismatch(const std::string& name, uint64_t expected, size_t got) {
  throw DataError("safetensors: tensor " + in_quotes(name) + ": shape needs " + std::to_string(expected) +
                  " values, got " + std::to_string(got));
}

void throw_dtype_mismatch(const SafetensorsEntry& entry, std::string_view wanted) {
  throw DataError("safetensors: tensor " + in_quotes(entry.name) + " is " + entry.dtype + ", not " +
                  std::string(wanted));
}

std::optional<uint32_t> safetensors_dtype_bits(std::string_view dtype) {
  for (const auto& d : kDtypes)
    if (d.name == dtype) return d.bits;
  return std::nullopt;
}

std::string encode_safetensors(const SafetensorsFile& file) {
  // Validate every entry before writing anything.
  std::set<std::string_view> names;
  std::vector<const SafetensorsEntry*> order;
  for (const auto& t : file.tensors) {
    const std::string where = "safetensors writer: tensor " + in_quotes(t.name);
    if (t.name == kMetadataKey) throw DataError(where + ": the name is reserved for the metadata");
    if (find_invalid_utf8(t.name) != std::string_view::npos) throw DataError(where + ": name is not valid UTF-8");
    if (!names.insert(t.name).second) throw DataError(where + ": duplicate tensor name");
    const auto bits = safetensors_dtype_bits(t.dtype);
    if (!bits) throw DataError(where + ": unknown dtype " + in_quotes(t.dtype));
    std::string why;
    const auto expected = tensor_bytes(t.shape, *bits, why);
    if (!expected) throw DataError(where + ": shape " + shape_string(t.shape) + ": " + why);
    if (*expected != t.bytes.size())
      throw DataError(where + ": " + t.dtype + " shape " + shape_string(t.shape) + " needs " +
                      std::to_string(*expected) + " bytes, got " + std::to_string(t.bytes.size()));
    order.push_back(&t);
  }
  for (const auto& [key, value] : file.metadata)
    if (find_invalid_utf8(key) != std::string_view::npos || find_invalid_utf8(value) != std::string_view::npos)
      throw DataError("safetensors writer: metadata " + in_quotes(key) + " is not valid UTF-8");

  // Larger elements first: with the header padded to 8 bytes, every tensor
  // then starts at a multiple of its element size.
  std::stable_sort(order.begin(), order.end(), [](const SafetensorsEntry* a, const SafetensorsEntry* b) {
    return *safetensors_dtype_bits(a->dtype) > *safetensors_dtype_bits(b->dtype);
  });

  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
  if (!file.metadata.count("format")) metadata["format"] = "pt";
  for (const auto& [key, value] : file.metadata) metadata[key] = value;
  header[kMetadataKey] = std::move(metadata);
  uint64_t offset = 0;
  for (const auto* t : order) {
    nlohmann::ordered_json info = nlohmann::ordered_json::object();
    info["dtype"] = t->dtype;
    info["shape"] = t->shape;
    info["data_offsets"] = {offset, offset + t->bytes.size()};
    header[t->name] = std::move(info);
    offset += t->bytes.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + text.size() + offset);
  const uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  out += text;
  for (const auto* t : order) out += t->bytes;
  return out;
}

SafetensorsFile decode_safetensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8)
    throw DataError(source + ": not a safetensors file: " + std::to_string(bytes.size()) +
                    " bytes, fewer than the 8-byte header length");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t(static_cast<uint8_t>(bytes[i])) << (8 * i);
  if (n > kMaxHeaderBytes)
    throw DataError(source + ": safetensors header length " + std::to_string(n) + " exceeds the limit of " +
                    std::to_string(kMaxHeaderBytes) + " bytes");
  if (n > bytes.size() - 8)
    throw DataError(source + ": truncated: safetensors header length " + std::to_string(n) + " but only " +
                    std::to_string(bytes.size() - 8) + " bytes follow the length field");
  const std::string_view text = bytes.substr(8, n);
  if (const size_t bad = find_invalid_utf8(text); bad != std::string_view::npos)
    throw DataError(source + ": safetensors header is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  if (text.starts_with("\xEF\xBB\xBF"))  // nlohmann would skip a BOM; serde rejects it
    throw DataError(source + ": safetensors header: invalid JSON: starts with a byte-order mark");
  // nlohmann ends the input at a NUL byte and ignores what follows (NUL
  // padding, or anything after it); JSON allows no raw NUL anywhere.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos)
    throw DataError(source + ": safetensors header: invalid JSON: NUL byte at header offset " +
                    std::to_string(nul));

  const nlohmann::json header = parse_header_json(text, source);
  if (!header.is_object()) throw DataError(source + ": safetensors header must be a JSON object");

  SafetensorsFile file;
  file.source = source;
  struct Span {
    uint64_t begin, end;
    size_t index;
  };
  std::vector<Span> spans;
  std::vector<SafetensorsEntry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      if (value.is_null()) continue;
      if (!value.is_object())
        throw DataError(source + ": field '__metadata__' must be an object of strings, got " + describe_json(value));
      for (const auto& [mkey, mvalue] : value.items()) {
        if (!mvalue.is_string())
          throw DataError(source + ": field '__metadata__'." + in_quotes(mkey) + " must be a string, got " +
                          describe_json(mvalue));
        file.metadata[mkey] = mvalue.get<std::string>();
      }
      continue;
    }
    Span span{};
    entries.push_back(parse_tensor(key, value, source, span.begin, span.end));
    span.index = entries.size() - 1;
    spans.push_back(span);
  }

  // Like the reference: order by offsets, then require each tensor to start
  // where the previous one ended, starting at 0.
  std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expected_begin = 0;
  std::string previous;
  for (const auto& span : spans) {
    const SafetensorsEntry& t = entries[span.index];
    const std::string where = source + ": tensor " + in_quotes(t.name) + ": data_offsets [" +
                              std::to_string(span.begin) + "," + std::to_string(span.end) + "]";
    if (span.end < span.begin) throw DataError(where + ": end before begin");
    if (span.begin < expected_begin)
      throw DataError(where + " overlap the previous tensor " + in_quotes(previous) + " (ends at " +
                      std::to_string(expected_begin) + ")");
    if (span.begin > expected_begin)
      throw DataError(where + " leave a gap of " + std::to_string(span.begin - expected_begin) + " bytes after " +
                      (previous.empty() ? std::string("the start of the data") : "tensor " + in_quotes(previous)));
    std::string why;
    const auto size = tensor_bytes(t.shape, *safetensors_dtype_bits(t.dtype), why);
    if (!size) throw DataError(source + ": tensor " + in_quotes(t.name) + ": shape " + shape_string(t.shape) + ": " + why);
    if (*size != span.end - span.begin)
      throw DataError(where + " hold " + std::to_string(span.end - span.begin) + " bytes but " + t.dtype +
                      " shape " + shape_string(t.shape) + " needs " + std::to_string(*size));
    expected_begin = span.end;
    previous = t.name;
  }

  const uint64_t data_bytes = bytes.size() - 8 - n;
  if (expected_begin > data_bytes)
    throw DataError(source + ": truncated: the header declares " + std::to_string(expected_begin) +
                    " data bytes but the file has " + std::to_string(data_bytes));
  if (expected_begin < data_bytes)
    throw DataError(source + ": " + std::to_string(data_bytes - expected_begin) +
                    " trailing bytes after the last tensor's data");

  const std::string_view data = bytes.substr(8 + n);
  file.tensors.reserve(spans.size());
  for (const auto& span : spans) {
    SafetensorsEntry& t = entries[span.index];
    t.bytes.assign(data.substr(span.begin, span.end - span.begin));
    file.tensors.push_back(std::move(t));
  }
  return file;
}

void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file) {
  grain::data::write_file_atomic(path, encode_safetensors(file));
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  return decode_safetensors(grain::data::read_text_file(path), path.string());
}

}  // namespace grain::formats
