// Bounded JSON reading: every JSON file the data pipeline, the checkpoint
// formats and the tools read goes through parse_json, and every JSON value an
// error message shows goes through describe_json.
// Design: nlohmann::json parses iteratively, but its serializer, copy and
// comparison recurse once per nesting level, so a small file such as a
// 200 KB array nested 100,000 deep overflows the stack as soon as anything
// dumps or copies it. parse_json refuses such input while parsing (nlohmann's
// parser callback reports the depth of each new array or object), so no
// value deeper than max_depth exists downstream; describe_json prints at most
// a few levels and a few dozen characters of any value, whatever its size.
// Our files are at most 4 levels deep (a safetensors header, a shard index),
// so the default limit of 64 leaves room without admitting a stack bomb.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "data/common/error.h"

namespace grain::data {

inline constexpr int kMaxJsonDepth = 64;

// An extra check run on every parser event after the depth check (the
// arguments of nlohmann's parser callback); it may throw DataError or return
// false to drop the value, as nlohmann's callback does.
using JsonParseHook = std::function<bool(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed)>;

// Parses `text`. Throws DataError "<what>: invalid JSON: <reason>" on a syntax
// error, a number outside the range of a double, or an array/object nested
// more than `max_depth` levels deep ("[]" is depth 1, "[[]]" depth 2, a bare
// scalar depth 0). `what` names the input (a file name, "file:line"); the
// error's file:line is the caller's.
nlohmann::json parse_json(std::string_view text, const std::string& what, int max_depth = kMaxJsonDepth,
                          const JsonParseHook& hook = {}, SourceSite caller = SourceSite::current());

// A short, safe description of a value for an error message: its type and a
// compact rendering cut after `max_depth` levels and about `max_chars`
// characters, e.g. `array [[[[...]]]]` (a value nested 5 deep), `string "potato"`,
// `object {"a":1,"b":[2,3]}`.
// Never recurses more than `max_depth` levels, whatever the value's depth.
std::string describe_json(const nlohmann::json& value, size_t max_chars = 80, int max_depth = 3);

}  // namespace grain::data
