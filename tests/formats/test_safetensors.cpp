// safetensors: round trips, files written by the reference Python package
// (tests/fixtures/formats, made by make_fixtures.py), byte-exact agreement
// with the reference writer, and every rejection rule of docs/spec/data-formats.md on
// hand-built malformed files.
#include <catch2/catch.hpp>
#include <cstring>
#include <nlohmann/json.hpp>

#include "data/common/error.h"
#include "data/formats/safetensors.h"
#include "tests/formats/temp_folder.h"

using namespace grain::formats;
using Catch::Matchers::Contains;
using grain::data::DataError;
using grain::formats::testing::fixture;
using grain::formats::testing::from_hex;
using grain::formats::testing::slurp;

namespace {

template <typename T>
std::string raw(std::initializer_list<T> values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

// A file from a header text and data bytes; the length field is the text's
// size unless `declared_length` overrides it.
std::string make_file(const std::string& header, const std::string& data, int64_t declared_length = -1) {
  const uint64_t n = declared_length < 0 ? header.size() : static_cast<uint64_t>(declared_length);
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  return out + header + data;
}

uint64_t header_length(const std::string& file) {
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t(static_cast<uint8_t>(file[i])) << (8 * i);
  return n;
}

SafetensorsFile sample_file() {
  SafetensorsFile file;
  file.tensors = {
      {"encoder.conv.weight", "F32", {2, 1, 1, 1, 2}, raw<float>({1.f, -2.f, 0.5f, 3.25f})},
      {"half", "F16", {3}, std::string("\x00\x3c\x00\xc0\x00\x7c", 6)},
      {"step", "I64", {}, raw<int64_t>({1234567890123})},
      {"counts", "I32", {1, 3}, raw<int32_t>({-1, 0, 7})},
      {"bias64", "F64", {2}, raw<double>({0.1, -1e300})},
      {"empty", "F32", {0, 4}, ""},
      {"flags", "BOOL", {3}, std::string("\x01\x00\x01", 3)},
      {"bf", "BF16", {1}, std::string("\x80\x3f", 2)},
  };
  file.metadata = {{"step", "42"}};
  return file;
}

}  // namespace

TEST_CASE("safetensors: round trip keeps names, dtypes, shapes, bytes and metadata", "[formats][safetensors]") {
  const SafetensorsFile in = sample_file();
  const std::string bytes = encode_safetensors(in);
  const SafetensorsFile out = decode_safetensors(bytes, "roundtrip.safetensors");
  REQUIRE(out.tensors.size() == in.tensors.size());
  for (const auto& t : in.tensors) {
    INFO("tensor " << t.name);
    const SafetensorsEntry& back = out.at(t.name);
    CHECK(back.dtype == t.dtype);
    CHECK(back.shape == t.shape);
    CHECK(back.bytes == t.bytes);
  }
  CHECK(out.metadata.at("format") == "pt");
  CHECK(out.metadata.at("step") == "42");
}

TEST_CASE("safetensors: header padded with spaces to 8, larger elements first, data aligned",
          "[formats][safetensors]") {
  const std::string bytes = encode_safetensors(sample_file());
  const uint64_t n = header_length(bytes);
  CHECK(n % 8 == 0);
  const std::string header = bytes.substr(8, n);
  CHECK(header.front() == '{');
  CHECK(header.find_last_not_of(' ') == header.find_last_of('}'));
  const SafetensorsFile out = decode_safetensors(bytes, "x");
  // Order of the data: by decreasing element size, the caller's order among equals.
  std::vector<std::string> names;
  for (const auto& t : out.tensors) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"step", "bias64", "encoder.conv.weight", "counts", "empty", "half", "bf",
                                          "flags"});
  // Every tensor starts at a multiple of its element size in the file.
  const auto parsed = nlohmann::json::parse(header);
  for (const auto& t : out.tensors) {
    const uint64_t begin = parsed[t.name]["data_offsets"][0].get<uint64_t>();
    CHECK((8 + n + begin) % (*safetensors_dtype_bits(t.dtype) / 8) == 0);
  }
}

TEST_CASE("safetensors: reads files written by the Python safetensors package", "[formats][safetensors]") {
  const auto expected = nlohmann::json::parse(slurp(fixture("python_written.json")));
  const SafetensorsFile file = read_safetensors(fixture("python_written.safetensors"));
  CHECK(file.metadata == std::map<std::string, std::string>{{"format", "pt"}, {"written_by", "make_fixtures.py"}});
  size_t checked = 0;
  for (const auto& [name, want] : expected.items()) {
    if (name == "__bf16__") continue;
    INFO("tensor " << name);
    const SafetensorsEntry& t = file.at(name);
    CHECK(t.dtype == want["dtype"].get<std::string>());
    CHECK(t.shape == want["shape"].get<std::vector<uint64_t>>());
    CHECK(t.bytes == from_hex(want["hex"].get<std::string>()));
    ++checked;
  }
  CHECK(checked == file.tensors.size());
  CHECK(file.at("optimizer.step").shape.empty());  // a 0-d tensor

  const SafetensorsFile bf16 = read_safetensors(fixture("python_written_bf16.safetensors"));
  CHECK(bf16.at("w.bf16").dtype == "BF16");
  CHECK(bf16.at("w.bf16").bytes == from_hex(expected["__bf16__"]["hex"].get<std::string>()));
  CHECK(bf16.at("w.f32").bytes == raw<float>({0.5f, 2.0f}));
}

TEST_CASE("safetensors: the writer's bytes equal the Python package's for the same tensors",
          "[formats][safetensors]") {
  SafetensorsFile file;
  file.tensors = {{"b.weight", "F32", {2, 3}, raw<float>({0.f, 0.25f, 0.5f, 0.75f, 1.f, 1.25f})},
                  {"a.bias", "F64", {2}, raw<double>({-1.5, 2.0})}};
  CHECK(encode_safetensors(file) == slurp(fixture("python_written_small.safetensors")));
}

TEST_CASE("safetensors: write and read through files", "[formats][safetensors]") {
  grain::formats::testing::TempFolder dir("safetensors_io");
  write_safetensors(dir / "m.safetensors", sample_file());
  CHECK(read_safetensors(dir / "m.safetensors").at("counts").bytes == raw<int32_t>({-1, 0, 7}));
  CHECK_THROWS_WITH(read_safetensors(dir / "missing.safetensors"), Contains("missing.safetensors"));
}

TEST_CASE("safetensors: accepts what the reference accepts", "[formats][safetensors]") {
  const std::string data = raw<float>({1.f, 2.f});
  SECTION("any key order, whitespace, no padding, unknown fields ignored, null metadata") {
    const auto file = decode_safetensors(
        make_file("{ \"t\" : {\"shape\": [2], \"extra\": 1, \"data_offsets\": [0, 8], \"dtype\": \"F32\"},\n"
                  "\"__metadata__\": null}",
                  data),
        "ok.safetensors");
    CHECK(file.at("t").bytes == data);
    CHECK(file.metadata.empty());
  }
  SECTION("header order differs from data order") {
    const auto file = decode_safetensors(
        make_file(R"({"second":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
                  R"("first":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                  data),
        "ok.safetensors");
    CHECK(file.tensors[0].name == "first");
    CHECK(file.at("second").bytes == raw<float>({2.f}));
  }
  SECTION("no tensors") { CHECK(decode_safetensors(make_file("{}      ", ""), "empty").tensors.empty()); }
}

TEST_CASE("safetensors: malformed files are rejected, naming the file and the tensor or field",
          "[formats][safetensors]") {
  const std::string f32x2 = raw<float>({1.f, 2.f});
  auto decode = [](const std::string& bytes) { return decode_safetensors(bytes, "bad.safetensors"); };
  auto rejects = [&](const std::string& bytes, const std::string& what) {
    INFO("expecting an error containing: " << what);
    CHECK_THROWS_MATCHES(decode(bytes), DataError, Catch::Matchers::Predicate<DataError>([&](const DataError& e) {
                           const std::string m = e.what();
                           return m.find("bad.safetensors") != std::string::npos && m.find(what) != std::string::npos;
                         }));
  };
  const std::string t = R"("t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";

  SECTION("fewer than 8 bytes") { rejects(std::string(7, '\0'), "fewer than the 8-byte header length"); }
  SECTION("header too large") {
    rejects(make_file("{" + t + "}", f32x2, 100'000'001), "exceeds the limit of 100000000");
    rejects(make_file("{" + t + "}", f32x2, int64_t(1) << 62), "exceeds the limit");
  }
  SECTION("header longer than the file") { rejects(make_file("{" + t + "}", "", 1000), "truncated"); }
  SECTION("invalid UTF-8") {
    rejects(make_file("{\"t\xff\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32x2), "UTF-8");
    rejects(make_file("{\"\xed\xa0\x80\":1}", ""), "UTF-8");  // an encoded surrogate
    rejects(make_file("{\"\xc0\xaf\":1}", ""), "UTF-8");      // an overlong '/'
  }
  SECTION("bad JSON") {
    rejects(make_file("{" + t, f32x2), "safetensors header: invalid JSON");
    rejects(make_file("{" + t + std::string("}\0\0\0", 4), f32x2), "invalid JSON: NUL byte");  // NUL padding
    rejects(make_file("{" + t + std::string("}\0junk", 6), f32x2), "invalid JSON: NUL byte");
    rejects(make_file("\xEF\xBB\xBF{" + t + "}", f32x2), "byte-order mark");
    rejects(make_file("[1, 2]", ""), "must be a JSON object");
  }
  SECTION("unknown dtype") {
    rejects(make_file(R"({"w":{"dtype":"F128","shape":[2],"data_offsets":[0,8]}})", f32x2), "tensor 'w': unknown dtype 'F128'");
    rejects(make_file(R"({"w":{"dtype":"float32","shape":[2],"data_offsets":[0,8]}})", f32x2), "unknown dtype 'float32'");
  }
  SECTION("missing or mistyped fields") {
    rejects(make_file(R"({"w":{"dtype":"F32","data_offsets":[0,8]}})", f32x2), "tensor 'w': missing field 'shape'");
    rejects(make_file(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", f32x2), "tensor 'w': shape[0] must be a non-negative integer");
    rejects(make_file(R"({"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", f32x2), "shape[0]");
    rejects(make_file(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}})", f32x2), "'data_offsets' must be [begin, end]");
    rejects(make_file(R"({"w":[1,2]})", ""), "tensor 'w': header entry must be a JSON object");
    rejects(make_file(R"({"__metadata__":{"format":1}})", ""), "'__metadata__'.'format' must be a string");
  }
  SECTION("overlapping offsets") {
    rejects(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                      R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                      f32x2 + raw<float>({3.f})),
            "tensor 'b': data_offsets [4,12] overlap the previous tensor 'a'");
  }
  SECTION("gap between tensors, or data not starting at 0") {
    rejects(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                      R"("b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
                      f32x2 + f32x2),
            "tensor 'b': data_offsets [12,16] leave a gap of 4 bytes after tensor 'a'");
    rejects(make_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", f32x2),
            "leave a gap of 4 bytes after the start of the data");
  }
  SECTION("end before begin") {
    rejects(make_file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", f32x2), "end before begin");
  }
  SECTION("size not shape x dtype size") {
    rejects(make_file(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", f32x2),
            "tensor 'w': data_offsets [0,8] hold 8 bytes but F32 shape [3] needs 12");
    rejects(make_file(R"({"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}})", f32x2), "needs 16");
  }
  SECTION("overflowing shape") {
    rejects(make_file(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", f32x2),
            "tensor 'w': shape [4294967296,4294967296]: shape overflows 64 bits");
    rejects(make_file(R"({"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}})", f32x2),
            "shape x dtype size overflows 64 bits");
  }
  SECTION("sub-byte dtype with a partial byte") {
    rejects(make_file(R"({"w":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}})", f32x2.substr(0, 2)),
            "not a whole number of bytes");
  }
  SECTION("trailing bytes") { rejects(make_file("{" + t + "}", f32x2 + "junk"), "4 trailing bytes after the last tensor"); }
  SECTION("data shorter than declared") { rejects(make_file("{" + t + "}", f32x2.substr(0, 6)), "truncated"); }
  SECTION("duplicate names") {
    rejects(make_file("{" + t + "," + t + "}", f32x2), "duplicate tensor name 't'");
    rejects(make_file(R"({"t":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}})", f32x2),
            "'t': duplicate field 'dtype'");
    rejects(make_file(R"({"__metadata__":{},"__metadata__":{}})", ""), "duplicate tensor name '__metadata__'");
  }
}

TEST_CASE("safetensors: every truncation of a valid file is rejected", "[formats][safetensors]") {
  const std::string bytes = encode_safetensors(sample_file());
  for (size_t size = 0; size < bytes.size(); ++size) {
    INFO("truncated to " << size << " of " << bytes.size() << " bytes");
    CHECK_THROWS_AS(decode_safetensors(std::string_view(bytes).substr(0, size), "cut.safetensors"), DataError);
  }
}

TEST_CASE("safetensors: the writer refuses inconsistent entries", "[formats][safetensors]") {
  auto encode_one = [](SafetensorsEntry entry) {
    SafetensorsFile file;
    file.tensors.push_back(std::move(entry));
    return encode_safetensors(file);
  };
  CHECK_THROWS_WITH(encode_one({"w", "F32", {3}, raw<float>({1.f, 2.f})}),
                    Contains("tensor 'w': F32 shape [3] needs 12 bytes, got 8"));
  CHECK_THROWS_WITH(encode_one({"w", "float", {1}, raw<float>({1.f})}), Contains("tensor 'w': unknown dtype 'float'"));
  CHECK_THROWS_WITH(encode_one({"__metadata__", "F32", {1}, raw<float>({1.f})}), Contains("reserved"));
  CHECK_THROWS_WITH(encode_one({"bad\xff", "F32", {1}, raw<float>({1.f})}), Contains("not valid UTF-8"));
  SafetensorsFile twice;
  twice.tensors = {{"w", "F32", {1}, raw<float>({1.f})}, {"w", "F32", {1}, raw<float>({2.f})}};
  CHECK_THROWS_WITH(encode_safetensors(twice), Contains("tensor 'w': duplicate tensor name"));
}

TEST_CASE("safetensors: typed helpers copy values in and out and check the dtype", "[formats][safetensors]") {
  const std::vector<float> weights = {1.5f, -2.f, 0.25f, 8.f, 0.f, -0.f};
  SafetensorsFile file;
  file.tensors.push_back(make_safetensors_entry<float>("fc.weight", {2, 3}, weights));
  file.tensors.push_back(make_safetensors_entry<int64_t>("step", {}, std::vector<int64_t>{99}));
  const SafetensorsFile back = decode_safetensors(encode_safetensors(file), "typed.safetensors");
  CHECK(back.at("fc.weight").dtype == "F32");
  CHECK(back.at("fc.weight").bytes == raw<float>({1.5f, -2.f, 0.25f, 8.f, 0.f, -0.f}));
  CHECK(safetensors_values<float>(back.at("fc.weight")) == weights);
  CHECK(safetensors_values<int64_t>(back.at("step")) == std::vector<int64_t>{99});
  CHECK_THROWS_WITH(safetensors_values<double>(back.at("fc.weight")), Contains("tensor 'fc.weight' is F32, not F64"));
  CHECK_THROWS_WITH(make_safetensors_entry<float>("w", {4}, weights), Contains("tensor 'w': shape needs 4 values, got 6"));
  CHECK_THROWS_WITH(back.at("missing"), Contains("typed.safetensors: no tensor named 'missing'"));
}

TEST_CASE("a header number too large for a double is rejected, not a crash", "[safetensors]") {
  // Found by fuzzing a sibling JSON reader: nlohmann throws out_of_range here.
  std::string header = R"({"a":{"dtype":"F32","shape":[1e999],"data_offsets":[0,4]}})";
  while (header.size() % 8) header += ' ';
  std::string bytes(8, '\0');
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  bytes += header + std::string(4, '\0');
  CHECK_THROWS_WITH(grain::formats::decode_safetensors(bytes, "big.safetensors"),
                    Catch::Matchers::Contains("big.safetensors") && Catch::Matchers::Contains("invalid JSON"));
}

namespace {

// `depth` nested arrays around `inner`: "[[[1]]]" for depth 3.
std::string nested_arrays(size_t depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

// `depth` nested objects: {"a":{"a":1}} for depth 2.
std::string nested_objects(size_t depth) {
  std::string out;
  for (size_t i = 0; i < depth; ++i) out += "{\"a\":";
  return out + "1" + std::string(depth, '}');
}

}  // namespace

// A header of 200 KB, under every size limit, whose value is an array nested
// 100,000 deep: printing it in the error message recursed once per level in
// nlohmann's serializer and overflowed the stack (SIGSEGV on --resume).
// Now the parser refuses nesting deeper than 64 levels before any message is
// built.
TEST_CASE("safetensors: a header nested 100,000 deep is an error, not a stack overflow", "[formats][safetensors]") {
  const std::string bomb = nested_arrays(100'000);
  const std::string f32x2 = raw<float>({1.f, 2.f});
  const std::string t = R"("t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  const std::vector<std::pair<const char*, std::string>> headers = {
      {"a tensor entry", "{\"w\":" + bomb + "}"},
      {"a tensor's shape", R"({"w":{"dtype":"F32","data_offsets":[0,8],"shape":)" + bomb + "}}"},
      {"a tensor's dtype", R"({"w":{"shape":[2],"data_offsets":[0,8],"dtype":)" + bomb + "}}"},
      {"a tensor's data_offsets", R"({"w":{"dtype":"F32","shape":[2],"data_offsets":)" + bomb + "}}"},
      {"__metadata__", "{\"__metadata__\":" + bomb + "," + t + "}"},
      {"a __metadata__ value", "{\"__metadata__\":{\"format\":" + bomb + "}," + t + "}"},
      {"nested objects", "{\"w\":" + nested_objects(100'000) + "}"},
  };
  for (const auto& [where, header] : headers) {
    INFO("the deep value is in " << where);
    CHECK_THROWS_WITH(decode_safetensors(make_file(header, f32x2), "deep.safetensors"),
                      Contains("deep.safetensors: safetensors header: invalid JSON: arrays/objects nested deeper "
                               "than 64 levels"));
  }
}

TEST_CASE("safetensors: nesting up to 64 levels is accepted, 65 is not", "[formats][safetensors]") {
  const std::string f32x2 = raw<float>({1.f, 2.f});
  // The header object and the tensor entry are 2 levels; an unknown field
  // (ignored, as the reference does) adds the rest.
  auto header = [](size_t extra_depth) {
    return R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":)" + nested_arrays(extra_depth) + "}}";
  };
  CHECK(decode_safetensors(make_file(header(62), f32x2), "ok.safetensors").at("t").shape == std::vector<uint64_t>{2});
  CHECK_THROWS_WITH(decode_safetensors(make_file(header(63), f32x2), "deep.safetensors"),
                    Contains("nested deeper than 64 levels"));
}

TEST_CASE("safetensors: a mistyped value is shown short in the message", "[formats][safetensors]") {
  const std::string f32x2 = raw<float>({1.f, 2.f});
  const std::string long_string(100'000, 'x');
  try {
    decode_safetensors(make_file(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":")" + long_string + "\"}}", f32x2),
                       "long.safetensors");
    FAIL("no error");
  } catch (const DataError& e) {
    const std::string m = e.what();
    CHECK_THAT(m, Contains("tensor 'w': field 'data_offsets' must be [begin, end], got string \"xxxx"));
    CHECK(m.size() < 400);
  }
}
