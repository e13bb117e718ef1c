// pack_split implementation: one shard at a time; inside a shard, workers pull
// video positions from a counter and the writer consumes them in order.
#include "data/loader/shard_writer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/common/json_read.h"
#include "data/video/jpeg.h"

namespace grain::data {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Record {
  std::vector<uint8_t> bytes;
  int frames = 0;
  std::string error;
};

Record encode_record(const DecodedVideo& v, const PackOptions& o) {
  Record r;
  r.frames = v.frames;
  if (v.height != o.height || v.width != o.width)
    throw DataError("decoded size " + std::to_string(v.height) + "x" + std::to_string(v.width) +
                    " differs from the pack size " + std::to_string(o.height) + "x" + std::to_string(o.width));
  if (o.encoding == ShardEncoding::kRaw) {
    r.bytes = v.rgb;
    return r;
  }
  std::vector<std::vector<uint8_t>> jpegs;
  size_t total = 4 + 4 * static_cast<size_t>(v.frames);
  for (int t = 0; t < v.frames; ++t) {
    jpegs.push_back(encode_jpeg(v.frame(t), v.width, v.height, o.jpeg_quality));
    total += jpegs.back().size();
  }
  r.bytes.resize(total);
  uint8_t* p = r.bytes.data();
  auto put32 = [&p](uint32_t x) {
    for (int i = 0; i < 4; ++i) *p++ = static_cast<uint8_t>(x >> (8 * i));
  };
  put32(static_cast<uint32_t>(v.frames));
  for (const auto& j : jpegs) put32(static_cast<uint32_t>(j.size()));
  for (const auto& j : jpegs) {
    std::memcpy(p, j.data(), j.size());
    p += j.size();
  }
  return r;
}

json params_json(const PackOptions& o, int64_t videos) {
  return {{"split", o.split},         {"fps", o.fps},
          {"height", o.height},       {"width", o.width},
          {"encoding", encoding_name(o.encoding)},
          {"jpeg_quality", o.jpeg_quality}, {"videos_per_shard", o.videos_per_shard},
          {"videos", videos}};
}

// Index entries of a finished shard from its part file, or nullopt when it must be (re)built.
std::optional<std::pair<ShardFile, std::vector<ShardVideo>>> finished_shard(const fs::path& dir, int shard,
                                                                            const std::vector<std::string>& ids,
                                                                            int64_t first, int64_t count) {
  const fs::path part = dir / shard_part_name(shard);
  const fs::path bin = dir / shard_file_name(shard);
  if (!fs::exists(part) || !fs::exists(bin)) return std::nullopt;
  try {
    const json j = parse_json(read_text_file(part), part.string());
    ShardFile f{j.at("file").get<std::string>(), j.at("bytes").get<uint64_t>()};
    if (f.file != shard_file_name(shard) || fs::file_size(bin) != f.bytes) return std::nullopt;
    std::vector<ShardVideo> videos;
    const json& vs = j.at("videos");
    if (static_cast<int64_t>(vs.size()) != count) return std::nullopt;
    for (int64_t i = 0; i < count; ++i) {
      const json& e = vs[static_cast<size_t>(i)];
      ShardVideo v;
      v.id = e.at("id").get<std::string>();
      if (v.id != ids[static_cast<size_t>(first + i)]) return std::nullopt;
      if (e.contains("error")) {
        v.error = e["error"].get<std::string>();
      } else {
        v.shard = shard;
        v.offset = e.at("offset").get<uint64_t>();
        v.bytes = e.at("bytes").get<uint64_t>();
        v.frames = e.at("frames").get<int>();
      }
      videos.push_back(std::move(v));
    }
    return std::make_pair(f, std::move(videos));
  } catch (const std::exception&) {
    return std::nullopt;  // unreadable part file: rebuild the shard
  }
}

class ShardBuilder {
 public:
  ShardBuilder(const ClipSource& source, const PackOptions& options) : source_(source), options_(options) {}

  // Decodes videos [first, first+count) in parallel and writes them in order to `bin`.
  std::pair<ShardFile, std::vector<ShardVideo>> build(int shard, const std::vector<std::string>& ids, int64_t first,
                                                      int64_t count, const fs::path& dir,
                                                      const std::function<void(bool failed)>& on_video) {
    first_ = first;
    count_ = count;
    next_ = 0;
    written_ = 0;
    ready_.clear();
    const int threads = std::max(1, std::min<int>(options_.threads, static_cast<int>(count)));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back([this, threads] { work(threads); });
    try {
      auto result = write(shard, ids, dir, on_video);
      join(workers);
      return result;
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        stop_ = true;
      }
      cv_.notify_all();
      join(workers);
      throw;
    }
  }

 private:
  static void join(std::vector<std::thread>& workers) {
    for (auto& w : workers)
      if (w.joinable()) w.join();
  }

  void work(int threads) {
    for (;;) {
      int64_t i;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || next_ >= count_ || next_ < written_ + 2 * threads; });
        if (stop_ || next_ >= count_) return;
        i = next_++;
      }
      Record r;
      try {
        r = encode_record(source_.load(first_ + i), options_);
      } catch (const DataError& e) {
        r.error = e.what();
      } catch (const std::exception& e) {
        r.error = std::string("unexpected error: ") + e.what();
      }
      {
        std::lock_guard lock(mutex_);
        ready_.emplace(i, std::move(r));
      }
      cv_.notify_all();
    }
  }

  std::pair<ShardFile, std::vector<ShardVideo>> write(int shard, const std::vector<std::string>& ids,
                                                      const fs::path& dir,
                                                      const std::function<void(bool failed)>& on_video) {
    const fs::path bin = dir / shard_file_name(shard);
    const fs::path tmp = bin.string() + ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw DataError(tmp.string() + ": cannot create");
    char header[kShardAlignment] = {0};
    std::memcpy(header, kShardMagic, 8);
    for (int b = 0; b < 4; ++b) header[8 + b] = static_cast<char>((kShardVersion >> (8 * b)) & 0xff);
    out.write(header, sizeof(header));
    uint64_t offset = kShardAlignment;
    std::vector<ShardVideo> videos;
    for (int64_t i = 0; i < count_; ++i) {
      Record r;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return ready_.count(i) > 0; });
        r = std::move(ready_[i]);
        ready_.erase(i);
        written_ = i + 1;
      }
      cv_.notify_all();
      ShardVideo v;
      v.id = ids[static_cast<size_t>(first_ + i)];
      if (!r.error.empty()) {
        v.error = r.error;
      } else {
        v.shard = shard;
        v.offset = offset;
        v.bytes = r.bytes.size();
        v.frames = r.frames;
        out.write(reinterpret_cast<const char*>(r.bytes.data()), static_cast<std::streamsize>(r.bytes.size()));
        offset += r.bytes.size();
        const uint64_t pad = (kShardAlignment - offset % kShardAlignment) % kShardAlignment;
        static const char zeros[kShardAlignment] = {0};
        out.write(zeros, static_cast<std::streamsize>(pad));
        offset += pad;
      }
      if (!out) throw DataError(tmp.string() + ": write failed");
      on_video(!v.error.empty());
      videos.push_back(std::move(v));
    }
    out.close();
    if (!out) throw DataError(tmp.string() + ": close failed");
    std::error_code ec;
    fs::rename(tmp, bin, ec);
    if (ec) throw DataError(bin.string() + ": rename failed: " + ec.message());
    ShardFile f{shard_file_name(shard), offset};
    json part = {{"file", f.file}, {"bytes", f.bytes}, {"videos", json::array()}};
    for (const auto& v : videos) {
      if (v.shard < 0) part["videos"].push_back({{"id", v.id}, {"error", v.error}});
      else part["videos"].push_back({{"id", v.id}, {"offset", v.offset}, {"bytes", v.bytes}, {"frames", v.frames}});
    }
    write_file_atomic(dir / shard_part_name(shard), part.dump() + "\n");
    return {f, std::move(videos)};
  }

  const ClipSource& source_;
  const PackOptions& options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<int64_t, Record> ready_;
  int64_t first_ = 0, count_ = 0, next_ = 0, written_ = 0;
  bool stop_ = false;
};

}  // namespace

PackResult pack_split(const ClipSource& source, const std::vector<std::string>& ids, const fs::path& out_dir,
                      const PackOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (static_cast<int64_t>(ids.size()) != source.size())
    throw DataError("pack_split: " + std::to_string(ids.size()) + " ids for " + std::to_string(source.size()) +
                    " videos");
  if (options.videos_per_shard < 1) throw DataError("pack_split: videos_per_shard must be >= 1");
  if (options.jpeg_quality < 1 || options.jpeg_quality > 100)
    throw DataError("pack_split: jpeg_quality must be in [1, 100]");
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw DataError(out_dir.string() + ": cannot create: " + ec.message());

  // Refuse to resume into a folder packed with other parameters.
  const json params = params_json(options, source.size());
  const fs::path params_file = out_dir / "pack.json";
  if (fs::exists(params_file)) {
    const json old = parse_json(read_text_file(params_file), params_file.string());
    if (old != params)
      throw DataError(params_file.string() + ": this folder was packed with other parameters (" +
                      describe_json(old, 400) + " vs " + describe_json(params, 400) + "); use a new folder");
  } else {
    write_file_atomic(params_file, params.dump(1) + "\n");
  }

  ShardIndex index;
  index.split = options.split;
  index.fps = options.fps;
  index.height = options.height;
  index.width = options.width;
  index.encoding = options.encoding;
  index.jpeg_quality = options.jpeg_quality;
  index.videos_per_shard = options.videos_per_shard;

  PackResult result;
  PackProgress progress;
  progress.total = source.size();
  const int64_t n = source.size();
  const int shards = static_cast<int>((n + options.videos_per_shard - 1) / options.videos_per_shard);
  ShardBuilder builder(source, options);
  for (int s = 0; s < shards; ++s) {
    const int64_t first = static_cast<int64_t>(s) * options.videos_per_shard;
    const int64_t count = std::min<int64_t>(options.videos_per_shard, n - first);
    auto done = finished_shard(out_dir, s, ids, first, count);
    if (done) {
      ++result.shards_skipped;
      progress.skipped += count;
      progress.done += count;
      for (const auto& v : done->second) progress.failed += v.shard < 0 ? 1 : 0;
    } else {
      done = builder.build(s, ids, first, count, out_dir, [&](bool failed) {
        ++progress.done;
        progress.failed += failed ? 1 : 0;
        progress.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (options.progress) options.progress(progress);
      });
      ++result.shards_written;
    }
    index.shards.push_back(done->first);
    for (auto& v : done->second) index.videos.push_back(std::move(v));
  }
  index.save(out_dir);
  result.videos = n;
  result.failed = progress.failed;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace grain::data
