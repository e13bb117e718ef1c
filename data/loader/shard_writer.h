// pack_split: decode a split once into packed shards (see shard_format.h).
// Design: parallel (worker threads decode the videos of a shard, the calling
// thread writes records in split order, at most 2 x threads decoded videos
// held in memory), resumable (a shard is skipped when its part file exists
// and its .bin has the recorded size; parameters must match pack.json), and
// a bad video is recorded in the index with its error rather than stopping the run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "data/loader/clip_source.h"
#include "data/loader/shard_format.h"

namespace grain::data {

struct PackProgress {
  int64_t done = 0, total = 0, failed = 0, skipped = 0;  // videos
  double seconds = 0;
};

struct PackOptions {
  std::string split = "train";
  double fps = 12;                 // must match the source's decode options (recorded in the index)
  int height = 128, width = 128;   // ditto
  ShardEncoding encoding = ShardEncoding::kRaw;
  int jpeg_quality = 90;
  int videos_per_shard = 256;
  int threads = 2;
  std::function<void(const PackProgress&)> progress;  // called after every video, from the calling thread
};

struct PackResult {
  int64_t videos = 0, failed = 0, shards_written = 0, shards_skipped = 0;
  double seconds = 0;
};

// Packs source videos 0..source.size()-1 (ids[i] names video i) into out_dir,
// then writes index.json. Throws DataError for I/O errors or a parameter
// mismatch with an earlier run in the same folder.
PackResult pack_split(const ClipSource& source, const std::vector<std::string>& ids,
                      const std::filesystem::path& out_dir, const PackOptions& options);

}  // namespace grain::data
