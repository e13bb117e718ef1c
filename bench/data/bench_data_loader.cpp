// Clips per second per core of the data pipeline, single-threaded:
//   WebM:        decode a VP9 WebM clip (426x240, 12 fps, 4 s = 48 frames, lossy crf 32,
//                like the real SSv2 videos), resample, resize to 128x128, take the
//                paper's 48-frame window and 96x96 crop, scale to float32;
//   ShardsRaw:   the same clip from a raw packed shard (mmap + copy) + the same crop;
//   ShardsJpeg:  from a JPEG-compressed shard (48 JPEG decodes) + the same crop.
// The synthetic clips are generated once into $TMPDIR/grain_bench_data (a
// moving textured scene, so the encoder has real motion and detail to code).
// Run: build/bin/bench_data_loader [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

#include "data/common/rng.h"
#include "data/loader/clip_source.h"
#include "data/loader/preprocess.h"
#include "data/loader/shard_reader.h"
#include "data/loader/shard_writer.h"
#include "data/video/webm_writer.h"

namespace {

using namespace grain::data;
namespace fs = std::filesystem;

constexpr int kVideos = 8, kWidth = 426, kHeight = 240, kFrames = 48;

std::vector<uint8_t> scene_frame(int video, int t) {
  std::vector<uint8_t> rgb(static_cast<size_t>(kWidth) * kHeight * 3);
  SplitMix64 noise(static_cast<uint64_t>(video) * 1000003u + static_cast<uint64_t>(t));
  const int bx = (t * 5 + video * 37) % (kWidth - 80), by = 60 + static_cast<int>(40 * std::sin(t * 0.2 + video));
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) {
      uint8_t* p = &rgb[(static_cast<size_t>(y) * kWidth + x) * 3];
      // Background texture drifting with the camera, plus sensor-like noise.
      const int u = x + t * 2, v = y + t;
      const int tex = ((u / 8 + v / 8) % 2) * 40 + static_cast<int>(30 * std::sin(u * 0.07) * std::cos(v * 0.05));
      const int n = static_cast<int>(noise.below(9)) - 4;
      p[0] = static_cast<uint8_t>(std::clamp(110 + tex + n + video * 7, 0, 255));
      p[1] = static_cast<uint8_t>(std::clamp(100 + tex / 2 + n, 0, 255));
      p[2] = static_cast<uint8_t>(std::clamp(90 + tex / 3 + n, 0, 255));
      if (x >= bx && x < bx + 80 && y >= by && y < by + 60) {  // a moving object
        p[0] = 200;
        p[1] = static_cast<uint8_t>(60 + (x - bx));
        p[2] = 40;
      }
    }
  return rgb;
}

struct BenchData {
  fs::path root;
  DatasetLayout layout;
  std::vector<std::string> ids;
  std::shared_ptr<ClipSource> webm, raw, jpeg;
  std::shared_ptr<const ShardReader> raw_reader, jpeg_reader;
};

const BenchData& data() {
  static BenchData d = [] {
    BenchData b;
    b.root = fs::temp_directory_path() / "grain_bench_data";
    b.layout.root = b.root;
    fs::create_directories(b.root / "videos");
    for (int i = 0; i < kVideos; ++i) {
      b.ids.push_back(std::to_string(i));
      const fs::path p = b.layout.video_path(b.ids.back());
      if (fs::exists(p)) continue;
      WebmWriterOptions o;
      o.width = kWidth;
      o.height = kHeight;
      o.fps = 12;
      o.crf = 32;
      const fs::path tmp = b.root / "videos" / "tmp.webm";
      WebmWriter w(tmp, o);
      for (int t = 0; t < kFrames; ++t) w.write_frame(scene_frame(i, t).data());
      w.finish();
      fs::rename(tmp, p);
    }
    DecodeOptions decode;
    decode.fps = 12;
    decode.width = 128;
    decode.height = 128;
    b.webm = make_video_file_source(b.layout, b.ids, decode);
    for (ShardEncoding e : {ShardEncoding::kRaw, ShardEncoding::kJpeg}) {
      PackOptions po;
      po.encoding = e;
      po.threads = 1;
      const fs::path dir = b.root / (e == ShardEncoding::kRaw ? "packed-raw" : "packed-jpeg");
      pack_split(*b.webm, b.ids, dir, po);  // resumes: a no-op when already packed
      auto reader = std::make_shared<const ShardReader>(dir);
      (e == ShardEncoding::kRaw ? b.raw_reader : b.jpeg_reader) = reader;
      (e == ShardEncoding::kRaw ? b.raw : b.jpeg) = make_shard_source(reader, b.ids, 12, 128, 128);
    }
    return b;
  }();
  return d;
}

void run(benchmark::State& state, const ClipSource& source) {
  ClipSpec spec;  // paper preset: 48 frames, 128 -> 96, float32 / 64
  std::vector<float> out(spec.clip_elements());
  int64_t i = 0;
  for (auto _ : state) {
    const int64_t idx = i % source.size();
    const DecodedVideo v = source.load(idx);
    const ClipPlacement p =
        place_clip(v.frames, spec, true, grain::kernels::loader_seed(1, 0, static_cast<uint64_t>(i)));
    extract_clip(v, spec, p, out.data());
    benchmark::DoNotOptimize(out.data());
    ++i;
  }
  state.SetItemsProcessed(state.iterations());  // items/s = clips/s on one core
  state.counters["frames_per_clip"] = kFrames;
}

void BM_ClipFromWebm(benchmark::State& state) { run(state, *data().webm); }
void BM_ClipFromShardsRaw(benchmark::State& state) { run(state, *data().raw); }
void BM_ClipFromShardsJpeg(benchmark::State& state) { run(state, *data().jpeg); }

BENCHMARK(BM_ClipFromWebm)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_ClipFromShardsRaw)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_ClipFromShardsJpeg)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
