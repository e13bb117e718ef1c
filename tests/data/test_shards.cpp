// Packed shards: raw records give exactly the frames decode_video gives, JPEG
// records are within JPEG's tolerance, packing resumes, bad videos are
// recorded, damaged shards are errors.
#include <catch2/catch.hpp>

#include <fstream>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/loader/clip_source.h"
#include "data/loader/shard_reader.h"
#include "data/loader/shard_writer.h"
#include "dataset_fixtures.h"
#include "temp_dir.h"

using namespace grain::data;
namespace fx = grain::data::testing;

namespace {
struct Packed {
  DatasetLayout layout;
  std::vector<VideoLabel> videos;
  std::unique_ptr<ClipSource> source;
  DecodeOptions decode;
};
Packed open_dataset(const std::filesystem::path& root) {
  Packed p;
  p.layout = DatasetLayout::detect(root);
  p.videos = Annotations::load(p.layout).split("train");
  p.decode.fps = 12;
  p.decode.width = 16;
  p.decode.height = 12;
  p.source = make_video_file_source(p.layout, ids_of(p.videos), p.decode);
  return p;
}
PackOptions pack_options(ShardEncoding e) {
  PackOptions o;
  o.fps = 12;
  o.width = 16;
  o.height = 12;
  o.encoding = e;
  o.videos_per_shard = 3;
  o.threads = 2;
  return o;
}
}  // namespace

TEST_CASE("data/shards: raw shards reproduce decode_video exactly, resume skips finished shards", "[data][shards]") {
  fx::TempDir dir("shards");
  fx::write_ssv2_dataset(dir / "ds", 7, 16, 12);
  Packed p = open_dataset(dir / "ds");
  int64_t last_done = 0;
  PackOptions o = pack_options(ShardEncoding::kRaw);
  o.progress = [&](const PackProgress& pr) { last_done = pr.done; };
  const PackResult r = pack_split(*p.source, ids_of(p.videos), dir / "packed", o);
  CHECK(r.videos == 7);
  CHECK(r.failed == 0);
  CHECK(r.shards_written == 3);
  CHECK(last_done == 7);
  auto reader = std::make_shared<const ShardReader>(dir / "packed");
  const auto shards = make_shard_source(reader, ids_of(p.videos), 12, 12, 16);
  for (int64_t i = 0; i < 7; ++i) {
    const DecodedVideo a = p.source->load(i), b = shards->load(i);
    INFO("video " << i);
    REQUIRE(a.frames == fx::fixture_frames(static_cast<int>(i)));
    CHECK(a.frames == b.frames);
    CHECK(a.rgb == b.rgb);
  }
  const std::string index_before = read_text_file(dir / "packed" / "index.json");
  const PackResult again = pack_split(*p.source, ids_of(p.videos), dir / "packed", o);
  CHECK(again.shards_skipped == 3);
  CHECK(again.shards_written == 0);
  std::filesystem::remove(dir / "packed" / shard_part_name(1));  // as if killed while writing shard 1
  const PackResult resumed = pack_split(*p.source, ids_of(p.videos), dir / "packed", o);
  CHECK(resumed.shards_written == 1);
  CHECK(resumed.shards_skipped == 2);
  CHECK(read_text_file(dir / "packed" / "index.json") == index_before);
  // Other parameters in the same folder are refused.
  PackOptions other = o;
  other.videos_per_shard = 2;
  CHECK_THROWS_WITH(pack_split(*p.source, ids_of(p.videos), dir / "packed", other),
                    Catch::Contains("pack.json"));
  // A part file nested 100,000 deep is an unreadable part: the shard is rebuilt.
  const std::string bomb = std::string(100'000, '[') + std::string(100'000, ']');
  write_file_atomic(dir / "packed" / shard_part_name(1), bomb);
  const PackResult rebuilt = pack_split(*p.source, ids_of(p.videos), dir / "packed", o);
  CHECK(rebuilt.shards_written == 1);
  CHECK(read_text_file(dir / "packed" / "index.json") == index_before);
  // A pack.json nested 100,000 deep is an error naming it, not a stack
  // overflow when the refusal message prints it.
  write_file_atomic(dir / "packed" / "pack.json", bomb);
  CHECK_THROWS_WITH(pack_split(*p.source, ids_of(p.videos), dir / "packed", o),
                    Catch::Contains("pack.json: invalid JSON: arrays/objects nested deeper than 64 levels"));
  // The loader's size must match the packed size.
  CHECK_THROWS_WITH(make_shard_source(reader, ids_of(p.videos), 12, 16, 16), Catch::Contains("index.json"));
}

TEST_CASE("data/shards: JPEG shards are within JPEG tolerance of the decoded frames", "[data][shards]") {
  fx::TempDir dir("shardsjpeg");
  fx::write_ssv2_dataset(dir / "ds", 3, 16, 12);
  Packed p = open_dataset(dir / "ds");
  PackOptions o = pack_options(ShardEncoding::kJpeg);
  o.jpeg_quality = 95;
  pack_split(*p.source, ids_of(p.videos), dir / "packed", o);
  auto reader = std::make_shared<const ShardReader>(dir / "packed");
  const auto shards = make_shard_source(reader, ids_of(p.videos), 12, 12, 16);
  for (int64_t i = 0; i < 3; ++i) {
    const DecodedVideo a = p.source->load(i), b = shards->load(i);
    REQUIRE(a.frames == b.frames);
    double sum = 0;
    for (size_t k = 0; k < a.rgb.size(); ++k) sum += std::abs(int(a.rgb[k]) - int(b.rgb[k]));
    CHECK(sum / a.rgb.size() < 12.0);  // the test pattern is high-frequency; JPEG q95 mean error is a few levels
  }
}

TEST_CASE("data/shards: a bad video is recorded, damaged shards are errors", "[data][shards]") {
  fx::TempDir dir("shardsbad");
  fx::write_ssv2_dataset(dir / "ds", 4, 16, 12);
  std::ofstream(dir / "ds" / "videos" / "1001.webm", std::ios::trunc) << "not a video";
  Packed p = open_dataset(dir / "ds");
  const PackResult r = pack_split(*p.source, ids_of(p.videos), dir / "packed", pack_options(ShardEncoding::kRaw));
  CHECK(r.failed == 1);
  auto reader = std::make_shared<const ShardReader>(dir / "packed");
  const auto shards = make_shard_source(reader, ids_of(p.videos), 12, 12, 16);
  CHECK_THROWS_WITH(shards->load(1), Catch::Contains("1001") && Catch::Contains("failed when packing"));
  CHECK(shards->load(2).frames == fx::fixture_frames(2));
  // Truncate a shard: opening fails naming it.
  std::filesystem::resize_file(dir / "packed" / shard_file_name(0), 100);
  CHECK_THROWS_WITH(ShardReader(dir / "packed"), Catch::Contains(shard_file_name(0)));
  // Broken index.
  write_file_atomic(dir / "packed" / "index.json", "{\"format\": \"grain-shards\"");
  CHECK_THROWS_WITH(ShardReader(dir / "packed"), Catch::Contains("index.json: invalid JSON"));
  // An index nested 100,000 deep (200 KB).
  write_file_atomic(dir / "packed" / "index.json",
                    R"({"format": "grain-shards", "shards": )" + std::string(100'000, '[') +
                        std::string(100'000, ']') + "}");
  CHECK_THROWS_WITH(ShardReader(dir / "packed"),
                    Catch::Contains("index.json: invalid JSON: arrays/objects nested deeper than 64 levels"));
}
