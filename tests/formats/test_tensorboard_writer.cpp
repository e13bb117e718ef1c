// TensorBoard event files: byte-exact agreement with records made by the
// tensorboard package's RecordWriter and event_pb2 (fixture), CRC checks on
// reading, and a written file read back with a protobuf field parser that is
// independent of the encoder.
#include <catch2/catch.hpp>
#include <cstring>
#include <nlohmann/json.hpp>

#include "data/common/error.h"
#include "data/formats/tensorboard_writer.h"
#include "tests/formats/temp_folder.h"

using namespace grain::formats;
using Catch::Matchers::Contains;
using grain::formats::testing::fixture;
using grain::formats::testing::slurp;
using grain::formats::testing::spit;
namespace fs = std::filesystem;

namespace {

// One protobuf field as found on the wire.
struct Field {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t value = 0;  // varint, fixed32 or fixed64
  std::string bytes;   // length-delimited
};

std::vector<Field> parse_fields(std::string_view in) {
  std::vector<Field> fields;
  size_t at = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      REQUIRE(at < in.size());
      const uint8_t b = static_cast<uint8_t>(in[at++]);
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  auto fixed = [&](int n) {
    REQUIRE(at + n <= in.size());
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(static_cast<uint8_t>(in[at + i])) << (8 * i);
    at += n;
    return v;
  };
  while (at < in.size()) {
    Field f;
    const uint64_t key = varint();
    f.number = static_cast<uint32_t>(key >> 3);
    f.wire_type = static_cast<uint32_t>(key & 7);
    if (f.wire_type == 0) f.value = varint();
    else if (f.wire_type == 1) f.value = fixed(8);
    else if (f.wire_type == 5) f.value = fixed(4);
    else {
      REQUIRE(f.wire_type == 2);
      const uint64_t n = varint();
      REQUIRE(at + n <= in.size());
      f.bytes = std::string(in.substr(at, n));
      at += n;
    }
    fields.push_back(f);
  }
  return fields;
}

const Field* field(const std::vector<Field>& fields, uint32_t number) {
  for (const auto& f : fields)
    if (f.number == number) return &f;
  return nullptr;
}

struct ScalarPoint {
  double wall_time;
  int64_t step;
  std::string tag;
  float value;
};

ScalarPoint decode_scalar(const std::string& event) {
  const auto fields = parse_fields(event);
  ScalarPoint p{};
  if (const Field* f = field(fields, 1)) std::memcpy(&p.wall_time, &f->value, 8);
  if (const Field* f = field(fields, 2)) p.step = static_cast<int64_t>(f->value);
  const Field* summary = field(fields, 5);
  REQUIRE(summary);
  const auto summary_fields = parse_fields(summary->bytes);
  REQUIRE(summary_fields.size() == 1);
  const auto value_fields = parse_fields(summary_fields[0].bytes);
  REQUIRE(field(value_fields, 1));
  REQUIRE(field(value_fields, 2));
  REQUIRE(field(value_fields, 2)->wire_type == 5);
  p.tag = field(value_fields, 1)->bytes;
  const uint32_t bits = static_cast<uint32_t>(field(value_fields, 2)->value);
  std::memcpy(&p.value, &bits, 4);
  return p;
}

}  // namespace

TEST_CASE("tensorboard: records equal the tensorboard package's, byte for byte", "[formats][tensorboard]") {
  const std::string golden = slurp(fixture("tensorboard_golden.tfevents"));
  const auto events = nlohmann::json::parse(slurp(fixture("tensorboard_golden.json")));
  REQUIRE(events.size() == 6);
  std::string mine;
  for (const auto& e : events) {
    if (e["kind"] == "file_version")
      mine += encode_tfrecord(encode_file_version_event(e["wall_time"].get<double>()));
    else
      mine += encode_tfrecord(encode_scalar_event(e["wall_time"].get<double>(), e["step"].get<int64_t>(),
                                                  e["tag"].get<std::string>(), e["value"].get<float>()));
  }
  CHECK(mine.size() == golden.size());
  CHECK(mine == golden);

  const auto records = decode_tfrecords(golden, "golden");
  REQUIRE(records.size() == events.size());
  const ScalarPoint loss = decode_scalar(records[1]);
  CHECK(loss.tag == "train/loss");
  CHECK(loss.step == 10);
  CHECK(loss.value == 2.5f);
  CHECK(loss.wall_time == 1700000001.5);
  CHECK(decode_scalar(records[4]).step == -3);
}

TEST_CASE("tensorboard: a written file starts with brain.Event:2 and reads back", "[formats][tensorboard]") {
  grain::formats::testing::TempFolder dir("tensorboard");
  fs::path path;
  {
    TensorBoardWriter writer(dir / "logs");
    path = writer.path();
    writer.add_scalar("train/loss", 4.25f, 1, 1700000000.0);
    writer.add_scalar("train/loss", 3.5f, 2);
    writer.add_scalar("val/top1", 0.125f, 2);
    writer.flush();
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  CHECK(path.parent_path() == dir / "logs");
  // events.out.tfevents.<10 digits>.<host>
  const std::string name = path.filename().string();
  const std::string prefix = "events.out.tfevents.";
  REQUIRE(name.size() == prefix.size() + 10 + 1 + std::strlen(host));
  CHECK(name.substr(0, prefix.size()) == prefix);
  CHECK(name.substr(prefix.size(), 10).find_first_not_of("0123456789") == std::string::npos);
  CHECK(name[prefix.size() + 10] == '.');
  CHECK(name.substr(prefix.size() + 11) == std::string(host));

  const auto records = decode_tfrecords(slurp(path), path.string());
  REQUIRE(records.size() == 4);
  const auto first = parse_fields(records[0]);
  REQUIRE(field(first, 3));
  CHECK(field(first, 3)->bytes == "brain.Event:2");
  REQUIRE(field(first, 1));
  double first_time;
  std::memcpy(&first_time, &field(first, 1)->value, 8);
  CHECK(std::abs(first_time - wall_time_now()) < 600);

  const ScalarPoint a = decode_scalar(records[1]), b = decode_scalar(records[2]), c = decode_scalar(records[3]);
  CHECK((a.tag == "train/loss" && a.step == 1 && a.value == 4.25f && a.wall_time == 1700000000.0));
  CHECK((b.tag == "train/loss" && b.step == 2 && b.value == 3.5f));
  CHECK((c.tag == "val/top1" && c.step == 2 && c.value == 0.125f));
  CHECK(b.wall_time >= first_time);
}

TEST_CASE("tensorboard: two writers in one folder get distinct files", "[formats][tensorboard]") {
  grain::formats::testing::TempFolder dir("tensorboard_two");
  TensorBoardWriter a(dir.path()), b(dir.path());
  CHECK(a.path() != b.path());
}

TEST_CASE("tensorboard: damaged records are reported with their index and offset", "[formats][tensorboard]") {
  const std::string good = encode_tfrecord(encode_file_version_event(1.0)) + encode_tfrecord(encode_scalar_event(2.0, 1, "x", 1.f));
  const size_t second = good.size() - encode_tfrecord(encode_scalar_event(2.0, 1, "x", 1.f)).size();
  REQUIRE(decode_tfrecords(good, "ok").size() == 2);

  std::string flipped_data = good;
  flipped_data[second + 14] ^= 0x10;
  CHECK_THROWS_WITH(decode_tfrecords(flipped_data, "ev"), Contains("ev: record 1 at byte " + std::to_string(second)) &&
                                                              Contains("CRC of the data"));
  std::string flipped_length = good;
  flipped_length[second] ^= 0x01;
  CHECK_THROWS_WITH(decode_tfrecords(flipped_length, "ev"), Contains("CRC of the length"));
  for (size_t cut = 1; cut < good.size(); ++cut) {
    if (cut == second) continue;  // a whole number of records is a valid (shorter) file
    INFO("cut at " << cut);
    CHECK_THROWS_WITH(decode_tfrecords(std::string_view(good).substr(0, cut), "ev"), Contains("truncated"));
  }
}
