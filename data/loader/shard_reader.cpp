// ShardReader: mmap + checked record access; JPEG records decoded per frame.
#include "data/loader/shard_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "data/common/error.h"
#include "data/video/jpeg.h"

namespace grain::data {

ShardReader::ShardReader(const std::filesystem::path& dir) : dir_(dir), index_(ShardIndex::load(dir)) {
  for (const auto& s : index_.shards) {
    Mapping m;
    m.path = (dir / s.file).string();
    const int fd = ::open(m.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw DataError(m.path + ": cannot open shard: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      throw DataError(m.path + ": fstat failed");
    }
    if (static_cast<uint64_t>(st.st_size) != s.bytes) {
      ::close(fd);
      throw DataError(m.path + ": " + std::to_string(st.st_size) + " bytes, index.json records " +
                      std::to_string(s.bytes) + " (truncated or replaced shard)");
    }
    void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) throw DataError(m.path + ": mmap failed: " + std::strerror(errno));
    m.data = static_cast<const uint8_t*>(p);
    m.size = static_cast<size_t>(st.st_size);
    maps_.push_back(m);  // owned from here on (unmapped by the destructor)
    if (m.size < kShardAlignment || std::memcmp(m.data, kShardMagic, 8) != 0)
      throw DataError(m.path + ": not a grain shard (bad magic)");
    uint32_t version = 0;
    for (int b = 0; b < 4; ++b) version |= static_cast<uint32_t>(m.data[8 + b]) << (8 * b);
    if (version != kShardVersion) throw DataError(m.path + ": unsupported shard version " + std::to_string(version));
  }
  for (size_t i = 0; i < index_.videos.size(); ++i) positions_[index_.videos[i].id] = static_cast<int64_t>(i);
}

ShardReader::~ShardReader() {
  for (auto& m : maps_) ::munmap(const_cast<uint8_t*>(m.data), m.size);
}

int64_t ShardReader::find(const std::string& id) const {
  const auto it = positions_.find(id);
  return it == positions_.end() ? -1 : it->second;
}

std::string ShardReader::describe(int64_t position) const {
  if (position < 0 || position >= static_cast<int64_t>(index_.videos.size())) return dir_.string();
  const ShardVideo& v = index_.videos[static_cast<size_t>(position)];
  return (v.shard >= 0 ? maps_[static_cast<size_t>(v.shard)].path : (dir_ / "index.json").string()) +
         " (video " + v.id + ")";
}

DecodedVideo ShardReader::load(int64_t position) const {
  if (position < 0 || position >= static_cast<int64_t>(index_.videos.size()))
    throw DataError(dir_.string() + ": shard position " + std::to_string(position) + " out of range");
  const ShardVideo& v = index_.videos[static_cast<size_t>(position)];
  if (v.shard < 0) throw DataError(describe(position) + ": failed when packing: " + v.error);
  const Mapping& m = maps_[static_cast<size_t>(v.shard)];
  const std::string where = describe(position);
  if (v.offset > m.size || v.bytes > m.size - v.offset) throw DataError(where + ": record outside the shard file");
  const uint8_t* rec = m.data + v.offset;
  DecodedVideo out;
  out.frames = v.frames;
  out.height = index_.height;
  out.width = index_.width;
  out.source_fps = index_.fps;
  const size_t frame_bytes = out.frame_bytes();
  if (index_.encoding == ShardEncoding::kRaw) {
    if (v.bytes != frame_bytes * static_cast<uint64_t>(v.frames))
      throw DataError(where + ": raw record of " + std::to_string(v.bytes) + " bytes, expected frames x H x W x 3 = " +
                      std::to_string(frame_bytes * static_cast<uint64_t>(v.frames)));
    out.rgb.assign(rec, rec + v.bytes);
    return out;
  }
  auto get32 = [rec](uint64_t at) {
    uint32_t x = 0;
    for (int b = 0; b < 4; ++b) x |= static_cast<uint32_t>(rec[at + b]) << (8 * b);
    return x;
  };
  const uint64_t table = 4 + 4 * static_cast<uint64_t>(v.frames);
  if (v.bytes < table || get32(0) != static_cast<uint32_t>(v.frames))
    throw DataError(where + ": corrupt JPEG record header");
  out.rgb.resize(frame_bytes * static_cast<size_t>(v.frames));
  uint64_t at = table;
  for (int t = 0; t < v.frames; ++t) {
    const uint64_t size = get32(4 + 4 * static_cast<uint64_t>(t));
    if (size > v.bytes - at) throw DataError(where + ": JPEG frame " + std::to_string(t) + " runs past its record");
    const RgbImage img = decode_jpeg(rec + at, size, where + " frame " + std::to_string(t));
    if (img.width != out.width || img.height != out.height)
      throw DataError(where + ": JPEG frame " + std::to_string(t) + " has the wrong size");
    std::memcpy(out.rgb.data() + frame_bytes * static_cast<size_t>(t), img.rgb.data(), frame_bytes);
    at += size;
  }
  return out;
}

namespace {

class ShardSource final : public ClipSource {
 public:
  ShardSource(std::shared_ptr<const ShardReader> reader, std::vector<int64_t> positions)
      : reader_(std::move(reader)), positions_(std::move(positions)) {}
  int64_t size() const override { return static_cast<int64_t>(positions_.size()); }
  DecodedVideo load(int64_t i) const override { return reader_->load(at(i)); }
  std::string describe(int64_t i) const override { return reader_->describe(at(i)); }

 private:
  int64_t at(int64_t i) const {
    if (i < 0 || i >= size()) throw DataError("video index " + std::to_string(i) + " out of range");
    return positions_[static_cast<size_t>(i)];
  }
  std::shared_ptr<const ShardReader> reader_;
  std::vector<int64_t> positions_;
};

}  // namespace

std::unique_ptr<ClipSource> make_shard_source(std::shared_ptr<const ShardReader> reader,
                                              const std::vector<std::string>& ids, double fps, int height,
                                              int width) {
  const ShardIndex& x = reader->index();
  const std::string name = reader->describe(-1) + "/index.json";
  if (std::abs(x.fps - fps) > 1e-9 || x.height != height || x.width != width)
    throw DataError(name + ": packed at fps " + std::to_string(x.fps) + ", " + std::to_string(x.height) + "x" +
                    std::to_string(x.width) + "; the loader wants fps " + std::to_string(fps) + ", " +
                    std::to_string(height) + "x" + std::to_string(width) + " (repack or change the config)");
  std::vector<int64_t> positions;
  positions.reserve(ids.size());
  for (const auto& id : ids) {
    const int64_t p = reader->find(id);
    if (p < 0) throw DataError(name + ": video \"" + id + "\" is not in the shards (packed another split?)");
    positions.push_back(p);
  }
  return std::make_unique<ShardSource>(std::move(reader), std::move(positions));
}

}  // namespace grain::data
