// Reading packed shards through mmap (see shard_format.h).
// Design: every shard file is mapped read-only once and shared by all loader
// threads; a record is bounds-checked against its file and, for raw records,
// against frames x height x width x 3, before a byte is read, so a damaged or
// truncated shard is a DataError naming the file and the video, never a crash.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data/loader/clip_source.h"
#include "data/loader/shard_format.h"

namespace grain::data {

class ShardReader {
 public:
  // Opens <dir>/index.json and maps every shard; checks magic, version and sizes.
  explicit ShardReader(const std::filesystem::path& dir);
  ~ShardReader();
  ShardReader(const ShardReader&) = delete;
  ShardReader& operator=(const ShardReader&) = delete;

  const ShardIndex& index() const { return index_; }
  // Position of a video id in the index, or -1.
  int64_t find(const std::string& id) const;
  // Frames of the video at index position i; DataError when it failed at packing time.
  DecodedVideo load(int64_t position) const;
  std::string describe(int64_t position) const;

 private:
  struct Mapping {
    const uint8_t* data = nullptr;
    size_t size = 0;
    std::string path;
  };
  std::filesystem::path dir_;
  ShardIndex index_;
  std::vector<Mapping> maps_;
  std::map<std::string, int64_t, std::less<>> positions_;
};

// A ClipSource over shards for the given ids (video i = ids[i]). Checks that
// the shards were packed at the expected fps and size (DataError naming
// index.json otherwise) and that every id is in the index.
std::unique_ptr<ClipSource> make_shard_source(std::shared_ptr<const ShardReader> reader,
                                              const std::vector<std::string>& ids, double fps, int height,
                                              int width);

}  // namespace grain::data
