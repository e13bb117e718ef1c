// DataLoader: exact regeneration of a batch from (seed, epoch, index) against
// an independent computation, rank sharding, shards == WebM, bad-video
// replacement and the failure fraction, shutdown while busy, errors surfaced,
// a caller-supplied allocator.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>

#include "data/common/error.h"
#include "data/common/rng.h"
#include "data/loader/loader.h"
#include "data/loader/shard_reader.h"
#include "data/loader/shard_writer.h"
#include "dataset_fixtures.h"
#include "temp_dir.h"

using namespace grain::data;
namespace fx = grain::data::testing;

namespace {

constexpr int kVideos = 12;

LoaderConfig small_config() {
  LoaderConfig c;
  c.batch_size = 3;
  c.clip.frames = 4;
  c.clip.height = 12;
  c.clip.width = 16;
  c.clip.crop_height = 8;
  c.clip.crop_width = 10;
  c.clip.fps = 12;
  c.seed = 42;
  c.workers = 2;
  c.prefetch_batches = 2;
  c.caption_length = 6;
  return c;
}

DecodeOptions decode_of(const LoaderConfig& c) {
  DecodeOptions d;
  d.fps = c.clip.fps;
  d.width = c.clip.width;
  d.height = c.clip.height;
  return d;
}

// One dataset for the whole file (encoding it is the slow part).
const std::filesystem::path& dataset() {
  static fx::TempDir dir("loader");
  static bool made = false;
  if (!made) {
    fx::write_ssv2_dataset(dir / "ds", kVideos, 16, 12);
    made = true;
  }
  static const std::filesystem::path root = dir / "ds";
  return root;
}

struct Fixture {
  DatasetLayout layout = DatasetLayout::detect(dataset());
  std::vector<VideoLabel> labels = Annotations::load(layout).split("train");
  std::shared_ptr<const Vocabulary> vocab;
  Fixture() {
    std::vector<std::string> captions;
    for (const auto& l : labels) captions.push_back(l.caption);
    vocab = std::make_shared<const Vocabulary>(Vocabulary::build(captions, 1));
  }
  std::shared_ptr<const ClipSource> webm(const LoaderConfig& c) const {
    return make_video_file_source(layout, ids_of(labels), decode_of(c));
  }
};

bool same_batch(const Batch& a, const Batch& b) {
  return a.shape == b.shape && a.clips.bytes() == b.clips.bytes() &&
         std::memcmp(a.clips.data(), b.clips.data(), a.clips.bytes()) == 0 && a.category == b.category &&
         a.group == b.group && a.caption_tokens == b.caption_tokens && a.ids == b.ids &&
         a.video_indices == b.video_indices;
}

// A source that sleeps before delegating (to test shutdown while busy), or throws a non-DataError.
class SlowSource final : public ClipSource {
 public:
  SlowSource(std::shared_ptr<const ClipSource> inner, int sleep_ms, bool throw_runtime)
      : inner_(std::move(inner)), sleep_ms_(sleep_ms), throw_(throw_runtime) {}
  int64_t size() const override { return inner_->size(); }
  DecodedVideo load(int64_t i) const override {
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
    if (throw_) throw std::runtime_error("disk on fire");
    return inner_->load(i);
  }
  std::string describe(int64_t i) const override { return inner_->describe(i); }

 private:
  std::shared_ptr<const ClipSource> inner_;
  int sleep_ms_;
  bool throw_;
};

class CountingAllocator final : public HostAllocator {
 public:
  std::atomic<int> live{0}, total{0};
  void* allocate(size_t bytes) override {
    ++live;
    ++total;
    return ::operator new(bytes);
  }
  void deallocate(void* p, size_t) noexcept override {
    --live;
    ::operator delete(p);
  }
};

}  // namespace

TEST_CASE("data/loader: batches are regenerated exactly and match an independent computation", "[data][loader]") {
  Fixture f;
  const LoaderConfig c = small_config();
  DataLoader loader(f.webm(c), f.labels, c, f.vocab);
  REQUIRE(loader.batches_per_epoch() == 4);
  loader.start_epoch(1);
  std::vector<Batch> epoch1;
  while (auto b = loader.next()) epoch1.push_back(std::move(*b));
  REQUIRE(epoch1.size() == 4);

  LoaderConfig sync = c;
  sync.workers = 0;
  DataLoader other(f.webm(c), f.labels, sync, f.vocab);
  std::set<int64_t> seen;
  for (int64_t b = 0; b < 4; ++b) {
    CHECK(same_batch(epoch1[static_cast<size_t>(b)], other.make_batch(1, b)));
    for (int64_t v : epoch1[static_cast<size_t>(b)].video_indices) seen.insert(v);
  }
  CHECK(seen.size() == kVideos);  // one epoch visits every video once

  // Independent computation of sample 1 of batch 2: order, decode, placement, crop, scale.
  const auto order = shuffled_indices(kVideos, c.seed, 1);
  const int64_t idx = order[2 * 3 + 1];
  const Batch& b = epoch1[2];
  REQUIRE(b.video_indices[1] == idx);
  const DecodedVideo v = decode_video(f.layout.video_path(f.labels[static_cast<size_t>(idx)].id), decode_of(c));
  REQUIRE(v.frames == fx::fixture_frames(static_cast<int>(idx)));
  const ClipPlacement p =
      place_clip(v.frames, c.clip, true, grain::kernels::loader_seed(c.seed, 1, static_cast<uint64_t>(idx)));
  const size_t per_clip = c.clip.clip_elements();
  const float* clip = b.float_data() + per_clip;
  for (int t = 0; t < 4; ++t)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 10; ++x)
        for (int ch = 0; ch < 3; ++ch) {
          const int src_t = std::clamp(p.first_frame + t, 0, v.frames - 1);
          // The fixture's frames are test_frame(w, h, t + 10 idx); lossless, so exact.
          const auto frame = fx::test_frame(16, 12, src_t + 10 * static_cast<int>(idx));
          const float expected = float(frame[(static_cast<size_t>(p.crop_y + y) * 16 + p.crop_x + x) * 3 + ch]) / 64.0f;
          REQUIRE(clip[((static_cast<size_t>(t) * 8 + y) * 10 + x) * 3 + ch] == expected);
        }
  CHECK(b.category[1] == f.labels[static_cast<size_t>(idx)].category);
  CHECK(b.group[1] == f.labels[static_cast<size_t>(idx)].group);
  CHECK(b.caption_tokens.size() == 3 * 6);
  CHECK(f.vocab->decode(b.caption_tokens.data() + 6, 6) ==
        f.vocab->decode(f.vocab->encode(f.labels[static_cast<size_t>(idx)].caption, 6).data(), 6));

  // Resume mid-epoch: starting at batch 2 gives batches 2 and 3 again.
  loader.start_epoch(1, 2);
  auto r2 = loader.next();
  REQUIRE(r2);
  CHECK(same_batch(*r2, epoch1[2]));
  // A different epoch has a different order.
  CHECK(other.make_batch(2, 0).video_indices != epoch1[0].video_indices);
}

// Independent reference: one process's batch (the loader without sharding),
// cut by hand into the contiguous slices the ranks must build.
TEST_CASE("data/loader: ranks take contiguous slices of the one-process batch", "[data][loader]") {
  Fixture f;
  for (const bool train : {true, false}) {
    INFO("train " << train);
    LoaderConfig c = small_config();
    c.workers = 0;
    c.train = train;
    c.drop_last = train;
    c.batch_size = 6;  // 12 videos: 2 global batches (training); evaluation with 5: 5 + 5 + 2
    if (!train) c.batch_size = 5;
    const DataLoader one(f.webm(c), f.labels, c);
    const int64_t batches = train ? 2 : 3;
    REQUIRE(one.batches_per_epoch() == batches);
    for (const int world : {2, 3}) {
      INFO("world " << world);
      c.world_size = world;
      for (int64_t b = 0; b < batches; ++b) {
        const Batch whole = one.make_batch(5, b);
        const int64_t m = whole.size();
        const size_t clip_bytes = whole.clips.bytes() / static_cast<size_t>(m);
        int64_t next = 0;
        for (int r = 0; r < world; ++r) {
          c.rank = r;
          const DataLoader part(f.webm(c), f.labels, c);
          REQUIRE(part.batches_per_epoch() == batches);
          const Batch mine = part.make_batch(5, b);
          // Slice [r m / W, (r + 1) m / W): e.g. 5 clips over 2 ranks = 2 + 3, 2 clips over 3 ranks = 0 + 1 + 1.
          const int64_t lo = r * m / world, hi = (r + 1) * m / world;
          REQUIRE(lo == next);
          REQUIRE(mine.size() == hi - lo);
          next = hi;
          for (int64_t s = 0; s < mine.size(); ++s) {
            CHECK(mine.video_indices[static_cast<size_t>(s)] == whole.video_indices[static_cast<size_t>(lo + s)]);
            CHECK(mine.ids[static_cast<size_t>(s)] == whole.ids[static_cast<size_t>(lo + s)]);
            CHECK(std::memcmp(static_cast<const uint8_t*>(mine.clips.data()) + clip_bytes * static_cast<size_t>(s),
                              static_cast<const uint8_t*>(whole.clips.data()) + clip_bytes * static_cast<size_t>(lo + s),
                              clip_bytes) == 0);
          }
        }
        CHECK(next == m);
      }
    }
  }
}

TEST_CASE("data/loader: raw shards and WebM give the same batches", "[data][loader]") {
  Fixture f;
  fx::TempDir dir("loadershards");
  LoaderConfig c = small_config();
  c.train = false;
  c.clip.pixel_type = PixelType::kUint8;
  const auto webm = f.webm(c);
  PackOptions po;
  po.fps = c.clip.fps;
  po.height = c.clip.height;
  po.width = c.clip.width;
  po.videos_per_shard = 5;
  pack_split(*webm, ids_of(f.labels), dir / "packed", po);
  auto reader = std::make_shared<const ShardReader>(dir / "packed");
  DataLoader a(webm, f.labels, c);
  DataLoader b(make_shard_source(reader, ids_of(f.labels), c.clip.fps, c.clip.height, c.clip.width), f.labels, c);
  for (int64_t i = 0; i < a.batches_per_epoch(); ++i) CHECK(same_batch(a.make_batch(0, i), b.make_batch(0, i)));
}

TEST_CASE("data/loader: a bad video mid-epoch is replaced by the next in order, too many fail the run", "[data][loader]") {
  fx::TempDir dir("loaderbad");
  fx::write_ssv2_dataset(dir / "ds", 6, 16, 12);
  const DatasetLayout layout = DatasetLayout::detect(dir / "ds");
  const auto labels = Annotations::load(layout).split("train");
  LoaderConfig c = small_config();
  c.batch_size = 2;
  c.workers = 2;
  c.max_bad_fraction = 0.2;  // 1 of 6 allowed
  const auto order = shuffled_indices(6, c.seed, 0);
  const int64_t bad = order[3];  // batch 1, sample 1
  {
    std::ofstream out(layout.video_path(labels[static_cast<size_t>(bad)].id), std::ios::binary | std::ios::trunc);
    out << "truncated";
  }
  DataLoader l(make_video_file_source(layout, ids_of(labels), decode_of(c)), labels, c);
  l.start_epoch(0);
  auto b0 = l.next();
  auto b1 = l.next();
  REQUIRE(b1);
  CHECK(b1->replaced == 1);
  CHECK(b1->video_indices[1] == order[4]);  // the next video of the epoch's order
  REQUIRE(l.bad_videos().size() == 1);
  CHECK(l.bad_videos()[0].index == bad);
  CHECK_THAT(l.bad_videos()[0].error, Catch::Contains(labels[static_cast<size_t>(bad)].id + ".webm"));

  LoaderConfig strict = c;
  strict.max_bad_fraction = 0.0;
  DataLoader s(make_video_file_source(layout, ids_of(labels), decode_of(c)), labels, strict);
  s.start_epoch(0);
  CHECK(s.next());
  CHECK_THROWS_WITH(s.next(), Catch::Contains("max_bad_fraction"));
}

TEST_CASE("data/loader: shutdown while workers are busy returns promptly", "[data][loader]") {
  Fixture f;
  LoaderConfig c = small_config();
  c.prefetch_batches = 4;
  const auto start = std::chrono::steady_clock::now();
  {
    DataLoader l(std::make_shared<SlowSource>(f.webm(c), 50, false), f.labels, c);
    l.start_epoch(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }  // destructor: cancel + join while loads are in flight
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(s < 1.0);  // one in-flight load per worker (50 ms), not the 12 x 50 ms of the epoch
  DataLoader l2(f.webm(c), f.labels, c);
  l2.stop();
  CHECK_THROWS_AS(l2.next(), DataError);
}

TEST_CASE("data/loader: a worker's unexpected exception reaches the caller", "[data][loader]") {
  Fixture f;
  LoaderConfig c = small_config();
  DataLoader l(std::make_shared<SlowSource>(f.webm(c), 0, true), f.labels, c);
  l.start_epoch(0);
  CHECK_THROWS_WITH(l.next(), Catch::Contains("disk on fire"));
}

TEST_CASE("data/loader: batches come from the caller's allocator", "[data][loader]") {
  Fixture f;
  LoaderConfig c = small_config();
  auto alloc = std::make_shared<CountingAllocator>();
  {
    DataLoader l(f.webm(c), f.labels, c, nullptr, alloc);
    l.start_epoch(0);
    auto b = l.next();
    REQUIRE(b);
    CHECK(b->clips.bytes() == 3 * c.clip.clip_elements() * sizeof(float));
    CHECK(alloc->live.load() >= 1);
  }
  CHECK(alloc->total.load() >= 1);
  CHECK(alloc->live.load() == 0);
}

TEST_CASE("data/loader: config validation names the field", "[data][loader]") {
  Fixture f;
  LoaderConfig c = small_config();
  c.rank = 3;
  c.world_size = 2;
  CHECK_THROWS_WITH(DataLoader(f.webm(c), f.labels, c), Catch::Contains("rank"));
  c = small_config();
  c.clip.crop_width = 100;
  CHECK_THROWS_WITH(DataLoader(f.webm(c), f.labels, c), Catch::Contains("crop"));
}
