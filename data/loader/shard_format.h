// Packed shards ("decode once"): the on-disk format.
// Design: a split is decoded, resampled and resized once into a few large
// files that are read with mmap, so the loader's per-clip cost is a memcpy
// (raw) or a few small JPEG decodes instead of a VP9 decode. Layout of <dir>:
//   index.json        {"format": "grain-shards", "version": 1, "split", "fps",
//                      "height", "width", "encoding": "raw" | "jpeg", "jpeg_quality",
//                      "videos_per_shard", "shards": [{"file", "bytes"}],
//                      "videos": [{"id", "shard", "offset", "bytes", "frames"} or {"id", "error"}]}
//   shard-NNNNN.bin   8-byte magic "GRAINSHD", u32 version (1), zero padding to 64
//                     bytes, then one record per video at 64-byte aligned offsets:
//                       raw:  frames * height * width * 3 bytes, (T, H, W, 3) uint8
//                       jpeg: u32 frames, u32 size[frames], then the JPEG files back to back
//   shard-NNNNN.json  the part of the index for that shard; written (atomically) only
//                     after its .bin is complete, so it marks the shard done for resume
//   pack.json         the packing parameters, checked when resuming
// Integers are little-endian. Videos are assigned to shards in split order,
// videos_per_shard per shard, so a resumed run rebuilds exactly the missing shards.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace grain::data {

enum class ShardEncoding { kRaw, kJpeg };

inline constexpr char kShardMagic[8] = {'G', 'R', 'A', 'I', 'N', 'S', 'H', 'D'};
inline constexpr uint32_t kShardVersion = 1;
inline constexpr uint64_t kShardAlignment = 64;

struct ShardVideo {
  std::string id;
  int shard = -1;          // -1: the video failed to decode when packing
  uint64_t offset = 0;     // byte offset of the record in the shard file
  uint64_t bytes = 0;      // record size
  int frames = 0;
  std::string error;       // why it failed (when shard == -1)
};

struct ShardFile {
  std::string file;
  uint64_t bytes = 0;
};

struct ShardIndex {
  std::string split;
  double fps = 12;
  int height = 0, width = 0;
  ShardEncoding encoding = ShardEncoding::kRaw;
  int jpeg_quality = 90;
  int videos_per_shard = 256;
  std::vector<ShardFile> shards;
  std::vector<ShardVideo> videos;

  // Reads <dir>/index.json; DataError naming the file and field when malformed.
  static ShardIndex load(const std::filesystem::path& dir);
  void save(const std::filesystem::path& dir) const;  // atomic write of <dir>/index.json
};

std::string shard_file_name(int shard);        // "shard-00012.bin"
std::string shard_part_name(int shard);        // "shard-00012.json"
const char* encoding_name(ShardEncoding e);    // "raw" | "jpeg"

}  // namespace grain::data
