// parse_json and describe_json: the depth limit at and one past its edge, for
// arrays and objects; a 100,000-deep input is a DataError, not a stack
// overflow; syntax and range errors name the input; a hook sees the events;
// descriptions are short, bounded in depth and valid UTF-8 for any value.
#include <catch2/catch.hpp>

#include <string>

#include "data/common/error.h"
#include "data/common/json_read.h"

using namespace grain::data;
using nlohmann::json;

namespace {

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_objects(size_t depth) {
  std::string out;
  for (size_t i = 0; i < depth; ++i) out += "{\"k\":";
  return out + "0" + std::string(depth, '}');
}

std::string error_of(std::string_view text, int max_depth = kMaxJsonDepth) {
  try {
    parse_json(text, "in.json", max_depth);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

// A value nested `depth` arrays deep, built by moves (a copy would recurse).
json deep_value(size_t depth) {
  json v = 1;
  for (size_t i = 0; i < depth; ++i) {
    json outer = json::array();
    outer.push_back(std::move(v));
    v = std::move(outer);
  }
  return v;
}

}  // namespace

TEST_CASE("data/json_read: nesting up to the limit parses, one level more is an error", "[data][json]") {
  CHECK(parse_json(nested_arrays(64), "in.json").is_array());
  CHECK(parse_json(nested_objects(64), "in.json").is_object());
  CHECK(parse_json("7", "in.json", 0) == 7);
  CHECK(parse_json("[]", "in.json", 1) == json::array());
  const std::string expected = "in.json: invalid JSON: arrays/objects nested deeper than 64 levels";
  CHECK_THAT(error_of(nested_arrays(65)), Catch::Contains(expected));
  CHECK_THAT(error_of(nested_objects(65)), Catch::Contains(expected));
  CHECK_THAT(error_of(nested_arrays(65)), Catch::Contains("test_json_read.cpp:"));  // the caller's site
  CHECK_THAT(error_of("[{\"a\":[]}]", 2), Catch::Contains("nested deeper than 2 levels"));
  CHECK(error_of("[{\"a\":[]}]", 3) == "no error");
}

TEST_CASE("data/json_read: 100,000 levels are an error, not a stack overflow", "[data][json]") {
  const std::string expected = "in.json: invalid JSON: arrays/objects nested deeper than 64 levels";
  CHECK_THAT(error_of(nested_arrays(100'000)), Catch::Contains(expected));
  CHECK_THAT(error_of(nested_objects(100'000)), Catch::Contains(expected));
  CHECK_THAT(error_of("{\"ok\": 1, \"bomb\": " + nested_arrays(100'000) + "}"), Catch::Contains(expected));
  CHECK_THAT(error_of(std::string(100'000, '[')), Catch::Contains(expected));  // unterminated too
}

TEST_CASE("data/json_read: syntax and range errors name the input", "[data][json]") {
  CHECK_THAT(error_of("{\"a\": 1"), Catch::Contains("in.json: invalid JSON: [json.exception.parse_error"));
  CHECK_THAT(error_of("[1e999]"), Catch::Contains("in.json: invalid JSON: [json.exception.out_of_range"));
  CHECK_THAT(error_of(""), Catch::Contains("in.json: invalid JSON"));
  CHECK(parse_json(" {\"a\": [1, 2.5, \"x\", null, true]} ", "in.json") ==
        json{{"a", {1, 2.5, "x", nullptr, true}}});
}

TEST_CASE("data/json_read: the hook sees every event after the depth check", "[data][json]") {
  int keys = 0, max_seen = -1;
  const JsonParseHook count = [&](int depth, json::parse_event_t event, json&) {
    if (event == json::parse_event_t::key) ++keys;
    max_seen = std::max(max_seen, depth);
    return true;
  };
  CHECK(parse_json(R"({"a": {"b": [1]}, "c": 2})", "in.json", kMaxJsonDepth, count)["a"]["b"][0] == 1);
  CHECK(keys == 3);
  CHECK(max_seen == 3);  // the value 1 sits inside three containers
  const JsonParseHook refuse_c = [](int, json::parse_event_t event, json& parsed) -> bool {
    if (event == json::parse_event_t::key && parsed == "c") throw DataError("in.json: no 'c' here");
    return true;
  };
  CHECK_THROWS_WITH(parse_json(R"({"a": 1, "c": 2})", "in.json", kMaxJsonDepth, refuse_c),
                    Catch::Contains("in.json: no 'c' here"));
  // The depth check comes first: the hook never sees a level past the limit.
  int hook_max = -1;
  const JsonParseHook watch = [&](int depth, json::parse_event_t, json&) {
    hook_max = std::max(hook_max, depth);
    return true;
  };
  CHECK_THROWS_AS(parse_json(nested_arrays(10), "in.json", 4, watch), DataError);
  CHECK(hook_max == 3);
}

TEST_CASE("data/json_read: describe_json is short and bounded for any value", "[data][json]") {
  CHECK(describe_json(json(3)) == "number 3");
  CHECK(describe_json(json(-2.5)) == "number -2.5");
  CHECK(describe_json(json(true)) == "boolean true");
  CHECK(describe_json(json(nullptr)) == "null");
  CHECK(describe_json(json("potato")) == "string \"potato\"");
  CHECK(describe_json(json::array()) == "array []");
  CHECK(describe_json(json::object()) == "object {}");
  CHECK(describe_json(json::parse(R"({"a":1,"b":[2,3]})")) == "object {\"a\":1,\"b\":[2,3]}");
  CHECK(describe_json(json::parse("[[[[[1]]]]]")) == "array [[[[...]]]]");
  CHECK(describe_json(json::parse(R"({"a":{"b":{"c":{"d":1}}}})")) == "object {\"a\":{\"b\":{\"c\":{...}}}}");

  // 100,000 levels, built in code: described without recursing through them.
  CHECK(describe_json(deep_value(100'000)) == "array [[[[...]]]]");

  // Long values are cut near max_chars.
  const std::string long_text = describe_json(json(std::string(100'000, 'x')));
  CHECK(long_text.rfind("string \"xxxx", 0) == 0);
  CHECK(long_text.size() <= std::string("string ").size() + 80 + 3);
  json wide = json::array();
  for (int i = 0; i < 100'000; ++i) wide.push_back(i);
  const std::string wide_text = describe_json(wide);
  CHECK(wide_text.rfind("array [0,1,2,3,", 0) == 0);
  CHECK(wide_text.size() <= std::string("array ").size() + 80 + 3);

  // Cutting never splits a UTF-8 sequence (a strict dump of the text would throw).
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";  // e-acute, 2 bytes
  for (size_t max_chars : {size_t(9), size_t(10), size_t(11), size_t(40)}) {
    INFO("max_chars " << max_chars);
    const std::string d = describe_json(json(accents), max_chars);
    CHECK_NOTHROW(json(d).dump());
    CHECK(d.size() <= std::string("string ").size() + max_chars + 3);
  }
  // Invalid UTF-8 in a value built in code is replaced, not thrown on.
  CHECK_NOTHROW(describe_json(json(std::string("\xff\xfe"))));
}
