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

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "data/common/error.h"
#include "data/loader/clip_source.h"
#include "data/loader/shard_writer.h"
#include "data/ssv2/annotations.h"

namespace {

void usage() {
  std::cerr << "usage: pack_dataset --data DIR --split train|validation|test --out DIR\n"
               "  [--fps 12] [--size 128 | --height H --width W] [--encoding raw|jpeg] [--jpeg-quality 90]\n"
               "  [--videos-per-shard 256] [--threads N (default: all cores)] [--frames (read frames/<id>/ JPEG\n"
               "  folders instead of videos)] [--source-fps 12 (frame folders)] [--time-limit 30 (s per video)]\n"
               "  [--labels NAME --train NAME --validation NAME --test NAME --videos DIR (file names in DIR)]\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace grain::data;
  std::string data, split = "train", out, encoding = "raw";
  std::string labels_name, train_name, validation_name, test_name, videos_name;
  double fps = 12, source_fps = 12, time_limit = 30;
  int height = 128, width = 128, quality = 90, per_shard = 256;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool frames = false;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw DataError("missing value after " + a);
        return argv[++i];
      };
      auto number = [&]() {
        const std::string v = value();
        char* end = nullptr;
        const double x = std::strtod(v.c_str(), &end);
        if (end == v.c_str() || *end != '\0') throw DataError(a + ": not a number: " + v);
        return x;
      };
      if (a == "--data") data = value();
      else if (a == "--split") split = value();
      else if (a == "--out") out = value();
      else if (a == "--fps") fps = number();
      else if (a == "--size") height = width = static_cast<int>(number());
      else if (a == "--height") height = static_cast<int>(number());
      else if (a == "--width") width = static_cast<int>(number());
      else if (a == "--encoding") encoding = value();
      else if (a == "--jpeg-quality") quality = static_cast<int>(number());
      else if (a == "--videos-per-shard") per_shard = static_cast<int>(number());
      else if (a == "--threads") threads = static_cast<int>(number());
      else if (a == "--frames") frames = true;
      else if (a == "--source-fps") source_fps = number();
      else if (a == "--time-limit") time_limit = number();
      else if (a == "--labels") labels_name = value();
      else if (a == "--train") train_name = value();
      else if (a == "--validation") validation_name = value();
      else if (a == "--test") test_name = value();
      else if (a == "--videos") videos_name = value();
      else if (a == "-h" || a == "--help") {
        usage();
        return 0;
      } else {
        throw DataError("unknown argument " + a);
      }
    }
    if (data.empty() || out.empty()) {
      usage();
      return 2;
    }
    if (encoding != "raw" && encoding != "jpeg") throw DataError("--encoding must be raw or jpeg");
    if (height < 1 || width < 1) throw DataError("--size/--height/--width must be positive");

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
