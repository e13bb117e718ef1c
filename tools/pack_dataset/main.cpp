// pack_dataset: decodes one split of a dataset in the SSv2 layout once
// (resampled to --fps, resized to --size) into packed shards that the
// DataLoader reads with mmap. Parallel (--threads), with a progress line, and
// resumable: rerun the same command after an interruption and finished shards
// are kept.
//
//   pack_dataset --data DATA --split train --out DATA/packed-train [--fps 12]
//                [--size 128] [--encoding raw|jpeg] [--jpeg-quality 90]
//                [--videos-per-shard 256] [--threads N] [--frames]
//                [--source-fps 12] [--time-limit 30]
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>

#include "cli/flag_parser.h"
#include "data/common/error.h"
#include "data/loader/clip_source.h"
#include "data/loader/shard_writer.h"
#include "data/ssv2/annotations.h"

namespace {

constexpr const char* kUsage =
    "usage: pack_dataset --data DIR --split train|validation|test --out DIR\n"
    "  [--fps 12] [--size 128 | --height H --width W] [--encoding raw|jpeg] [--jpeg-quality 90]\n"
    "  [--videos-per-shard 256] [--threads N (default: all cores)] [--frames (read frames/<id>/ JPEG\n"
    "  folders instead of videos)] [--source-fps 12 (frame folders)] [--time-limit 30 (s per video)]\n"
    "  [--labels NAME --train NAME --validation NAME --test NAME --videos DIR (file names in DIR)]\n"
    "Exit status: 0 done, 1 error, 2 bad command line.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace grain::data;
  std::string data, split = "train", out, encoding = "raw";
  std::string labels_name, train_name, validation_name, test_name, videos_name;
  double fps = 12, source_fps = 12, time_limit = 30;
  int height = 128, width = 128, quality = 90, per_shard = 256;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool frames = false;
  constexpr int64_t kMaxSide = 1 << 16;
  grain::cli::FlagParser flags("pack_dataset", kUsage);
  flags.text("--data", &data);
  flags.text("--split", &split);
  flags.text("--out", &out);
  flags.number("--fps", &fps, grain::cli::Bounds::above(0));
  flags.value("--size", [&](const std::string& v) {
    height = width = static_cast<int>(grain::cli::parse_integer("--size", v, 1, kMaxSide));
  });
  flags.integer("--height", &height, 1, kMaxSide);
  flags.integer("--width", &width, 1, kMaxSide);
  flags.choice("--encoding", &encoding, {"raw", "jpeg"});
  flags.integer("--jpeg-quality", &quality, 1, 100);
  flags.integer("--videos-per-shard", &per_shard, 1, 1 << 30);
  flags.integer("--threads", &threads, 1, 1024);
  flags.set_true("--frames", &frames);
  flags.number("--source-fps", &source_fps, grain::cli::Bounds::above(0));
  flags.number("--time-limit", &time_limit, grain::cli::Bounds::above(0));
  flags.text("--labels", &labels_name);
  flags.text("--train", &train_name);
  flags.text("--validation", &validation_name);
  flags.text("--test", &test_name);
  flags.text("--videos", &videos_name);
  try {
    if (flags.parse(argc, argv) == grain::cli::Parsed::kExit) return 0;
    if (data.empty() || out.empty()) throw grain::cli::UsageError("--data and --out are required");
  } catch (const grain::cli::UsageError& e) {
    return flags.usage_error(e);
  }
  try {

    DatasetLayout layout = DatasetLayout::detect(data);
    if (!labels_name.empty()) layout.labels = labels_name;
    if (!train_name.empty()) layout.train = train_name;
    if (!validation_name.empty()) layout.validation = validation_name;
    if (!test_name.empty()) layout.test = test_name;
    if (!videos_name.empty()) layout.videos = videos_name;
    const Annotations annotations = Annotations::load(layout);
    const auto videos = annotations.split(split);
    const auto ids = ids_of(videos);

    DecodeOptions decode;
    decode.fps = fps;
    decode.height = height;
    decode.width = width;
    decode.time_limit_s = time_limit;
    const auto source = frames ? make_frame_folder_source(layout, ids, source_fps, decode)
                               : make_video_file_source(layout, ids, decode);

    PackOptions o;
    o.split = split;
    o.fps = fps;
    o.height = height;
    o.width = width;
    o.encoding = encoding == "raw" ? ShardEncoding::kRaw : ShardEncoding::kJpeg;
    o.jpeg_quality = quality;
    o.videos_per_shard = per_shard;
    o.threads = threads;
    const bool tty = ::isatty(STDERR_FILENO);
    double last_print = -1;
    o.progress = [&](const PackProgress& p) {
      const bool last = p.done == p.total;
      if (!last && p.seconds - last_print < (tty ? 0.5 : 10.0)) return;
      last_print = p.seconds;
      const double rate = (p.done - p.skipped) / std::max(p.seconds, 1e-9);
      const double eta = rate > 0 ? (p.total - p.done) / rate : 0;
      std::fprintf(stderr, "%spack_dataset: %lld/%lld videos (%lld failed, %lld resumed), %.1f videos/s, ETA %.0f s%s",
                   tty ? "\r" : "", static_cast<long long>(p.done), static_cast<long long>(p.total),
                   static_cast<long long>(p.failed), static_cast<long long>(p.skipped), rate, eta,
                   tty && !last ? "" : "\n");
    };
    std::fprintf(stderr, "pack_dataset: %s split %s: %zu videos -> %s (%s, %dx%d at %g fps, %d threads)\n",
                 data.c_str(), split.c_str(), ids.size(), out.c_str(), encoding.c_str(), height, width, fps, threads);
    const PackResult r = pack_split(*source, ids, out, o);
    std::fprintf(stderr,
                 "pack_dataset: done in %.1f s: %lld videos, %lld failed, %lld shards written, %lld kept from an "
                 "earlier run\n",
                 r.seconds, static_cast<long long>(r.videos), static_cast<long long>(r.failed),
                 static_cast<long long>(r.shards_written), static_cast<long long>(r.shards_skipped));
    if (r.failed > 0) std::fprintf(stderr, "pack_dataset: failed videos are listed with their errors in %s/index.json\n", out.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pack_dataset: error: %s\n", e.what());
    return 1;
  }
}
