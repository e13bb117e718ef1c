// defines: parse_json, describe_json (see json_read.h for the design)
#include "data/common/json_read.h"

namespace grain::data {
namespace {

using nlohmann::json;

// The longest prefix of `s` of at most `max_bytes` bytes that does not end
// inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// A JSON string literal of at most about `max_bytes` characters of `s`;
// invalid UTF-8 (possible in values built in code) is replaced, not thrown on.
std::string quoted(std::string_view s, size_t max_bytes) {
  const std::string_view kept = utf8_prefix(s, max_bytes);
  std::string out = json(std::string(kept)).dump(-1, ' ', false, json::error_handler_t::replace);
  if (kept.size() < s.size()) out += "...";
  return out;
}

// Appends a compact rendering of `v` (the layout of json::dump()) to `out`,
// stopping once `out` is longer than `limit`; containers below `depth_left`
// levels show as [...] or {...}. Recursion depth is at most `depth_left`.
void render(const json& v, int depth_left, size_t limit, std::string& out) {
  if (v.is_array() || v.is_object()) {
    const bool is_array = v.is_array();
    const char open = is_array ? '[' : '{', close = is_array ? ']' : '}';
    if (v.empty()) {
      out += open;
      out += close;
      return;
    }
    out += open;
    if (depth_left <= 0) {
      out += "...";
      out += close;
      return;
    }
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (out.size() > limit) {
        out += ",...";
        break;
      }
      if (!first) out += ',';
      first = false;
      if (!is_array) out += quoted(it.key(), limit) + ":";
      render(*it, depth_left - 1, limit, out);
    }
    out += close;
  } else if (v.is_string()) {
    out += quoted(v.get_ref<const std::string&>(), limit);
  } else {
    out += v.dump();  // a number, boolean, null or binary value: no nesting
  }
}

}  // namespace

json parse_json(std::string_view text, const std::string& what, int max_depth, const JsonParseHook& hook,
                SourceSite caller) {
  // `depth` is the number of arrays/objects enclosing the event's value, so
  // a container starting at depth d is the (d+1)-th level.
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) -> bool {
    if ((event == json::parse_event_t::array_start || event == json::parse_event_t::object_start) &&
        depth >= max_depth)
      throw DataError(what + ": invalid JSON: arrays/objects nested deeper than " + std::to_string(max_depth) +
                      " levels",
                      caller);
    return hook ? hook(depth, event, parsed) : true;
  };
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw DataError(what + ": invalid JSON: " + e.what(), caller);
  }
}

std::string describe_json(const json& value, size_t max_chars, int max_depth) {
  if (value.is_null()) return "null";
  std::string text;
  render(value, max_depth, max_chars, text);
  if (text.size() > max_chars) text = std::string(utf8_prefix(text, max_chars)) + "...";
  return std::string(value.type_name()) + " " + text;
}

}  // namespace grain::data
