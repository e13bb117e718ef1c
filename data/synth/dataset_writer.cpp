// Parallel, resumable dataset writer; see dataset_writer.h.
#include "dataset_writer.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/video/jpeg.h"
#include "data/video/webm_writer.h"
#include "label_files.h"
#include "renderer.h"

namespace grain::data::synth {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string stamp_text(const DatasetKind& kind, const WriteOptions& o) {
  nlohmann::ordered_json j;
  j["kind"] = kind.name();
  j["seed"] = o.seed;
  j["train"] = o.splits.train, j["validation"] = o.splits.validation, j["test"] = o.splits.test;
  if (o.splits.probe > 0) j["probe"] = o.splits.probe;  // absent when 0: older stamps stay valid
  j["width"] = o.width, j["height"] = o.height;
  j["format"] = o.format == VideoFormat::kWebm ? "webm" : "jpeg";
  j["quality"] = o.format == VideoFormat::kWebm ? o.crf : o.jpeg_quality;
  return j.dump(1) + "\n";
}

// Writes bytes to path (no fsync: the folder it lives in is renamed into place as a whole).
void write_plain(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw DataError(path.string() + ": write failed");
}

// Progress line on stderr: carriage-return updates on a terminal, a line per 10% otherwise.
class Progress {
 public:
  Progress(bool on, int64_t total, std::string name)
      : on_(on), tty_(isatty(STDERR_FILENO) == 1), total_(total), name_(std::move(name)), t0_(Clock::now()) {}
  void update(int64_t done, int64_t skipped, bool final = false) {
    if (!on_) return;
    std::lock_guard<std::mutex> lock(m_);
    const double s = seconds_since(t0_);
    const int decile = total_ > 0 ? static_cast<int>(10 * done / total_) : 10;
    if (tty_ ? !final && s - last_ < 0.25 : decile == last_decile_) return;
    last_ = s, last_decile_ = decile;
    const double rate = (done - skipped) / std::max(s, 1e-9);
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    std::fprintf(stderr, "%s%s: %lld/%lld videos (%.0f%%), %.1f videos/s, ETA %.0fs%s", tty_ ? "\r" : "",
                 name_.c_str(), static_cast<long long>(done), static_cast<long long>(total_),
                 total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0, rate, eta,
                 tty_ && !final ? "   " : "\n");
    std::fflush(stderr);
  }

 private:
  bool on_, tty_;
  int64_t total_;
  std::string name_;
  Clock::time_point t0_;
  std::mutex m_;
  double last_ = -1;
  int last_decile_ = -1;
};

}  // namespace

int render_video(const DatasetKind& kind, uint64_t seed, uint64_t index, int class_index, int width, int height,
                 std::vector<uint8_t>& frames) {
  const Scene scene = kind.scene(seed, index, class_index, width, height);
  const size_t frame_bytes = static_cast<size_t>(width) * height * 3;
  frames.resize(frame_bytes * static_cast<size_t>(scene.num_frames));
  for (int t = 0; t < scene.num_frames; ++t) render_frame(scene, t, frames.data() + frame_bytes * static_cast<size_t>(t));
  return scene.num_frames;
}

WriteStats write_dataset(const DatasetKind& kind, const WriteOptions& o) {
  const Clock::time_point t0 = Clock::now();
  if (o.width < 16 || o.height < 16 || o.width > 4096 || o.height > 4096 || o.width % 2 || o.height % 2)
    throw DataError("make_dataset: size must be even and in [16, 4096], got " + std::to_string(o.width) + "x" +
                    std::to_string(o.height));
  if (o.splits.train < 0 || o.splits.validation < 0 || o.splits.test < 0)
    throw DataError("make_dataset: split sizes must be >= 0");
  const fs::path out = o.out;
  const fs::path media = out / (o.format == VideoFormat::kWebm ? "videos" : "frames");
  const fs::path partial = out / ".partial";
  std::error_code ec;
  fs::create_directories(media, ec);
  if (ec) throw DataError(media.string() + ": cannot create folder: " + ec.message());
  // A different stamp means a different dataset: never mix two in one folder.
  const fs::path stamp = out / ".make_dataset.json";
  const std::string want = stamp_text(kind, o);
  if (fs::exists(stamp)) {
    const std::string have = read_text_file(stamp);
    if (have != want)
      throw DataError(stamp.string() + ": this folder holds a dataset made with other settings:\n" + have +
                      "requested:\n" + want + "use another --out folder or delete this one");
  } else {
    write_file_atomic(stamp, want);
  }
  fs::remove_all(partial, ec);  // leftovers of an interrupted run
  fs::create_directories(partial, ec);
  if (ec) throw DataError(partial.string() + ": cannot create folder: " + ec.message());

  const std::vector<VideoEntry> entries = plan_entries(kind, o.seed, o.splits);
  WriteStats stats;
  stats.videos = static_cast<int64_t>(entries.size());
  const int threads = std::max(1, o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency()));
  Progress progress(o.progress, stats.videos, kind.name());
  std::atomic<int64_t> next{0}, done{0}, skipped{0}, frames_total{0};
  std::atomic<bool> stop{false}, stopped{false};
  std::mutex err_mutex;
  std::exception_ptr error;
  std::vector<double> render_s(static_cast<size_t>(threads), 0.0);

  auto worker = [&](int tid) {
    std::vector<uint8_t> frames;
    try {
      for (int64_t i = next++; i < stats.videos && !stop; i = next++) {
        if (o.stop_requested && o.stop_requested()) {
          stopped = true;
          break;
        }
        const VideoEntry& e = entries[static_cast<size_t>(i)];
        const fs::path final_path = o.format == VideoFormat::kWebm ? media / (e.id + ".webm") : media / e.id;
        if (fs::exists(final_path)) {
          ++skipped;
          progress.update(++done, skipped);
          continue;
        }
        const Clock::time_point r0 = Clock::now();
        const int n = render_video(kind, o.seed, e.index, e.label.class_index, o.width, o.height, frames);
        render_s[static_cast<size_t>(tid)] += seconds_since(r0);
        const size_t fb = static_cast<size_t>(o.width) * o.height * 3;
        if (o.format == VideoFormat::kWebm) {
          const fs::path tmp = partial / (e.id + ".webm");
          WebmWriter writer(tmp, WebmWriterOptions{o.width, o.height, 12, false, o.crf});
          for (int t = 0; t < n; ++t) writer.write_frame(frames.data() + fb * static_cast<size_t>(t));
          writer.finish();
          fs::rename(tmp, final_path);
        } else {
          const fs::path tmp = partial / e.id;
          fs::create_directories(tmp);
          char name[32];
          for (int t = 0; t < n; ++t) {
            std::snprintf(name, sizeof name, "%06d.jpg", t + 1);
            write_plain(tmp / name, encode_jpeg(frames.data() + fb * static_cast<size_t>(t), o.width, o.height,
                                                o.jpeg_quality));
          }
          fs::rename(tmp, final_path);
        }
        frames_total += n;
        progress.update(++done, skipped);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(err_mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (stopped) {  // whole videos only under their final names; the labels (the completeness mark) not yet
    stats.stopped = true;
    stats.skipped = skipped;
    stats.written = done - skipped;
    return stats;
  }
  progress.update(done, skipped, true);

  // Labels last: their presence marks a complete dataset.
  if (has_attributes(entries)) write_file_atomic(out / "attributes.json", attributes_json(entries));
  if (o.splits.probe > 0) write_file_atomic(out / "probe.json", split_json(entries, "probe"));
  write_file_atomic(out / "labels.json", labels_json(kind));
  write_file_atomic(out / "groups.json", groups_json(kind));
  for (const char* split : {"train", "validation", "test"})
    write_file_atomic(out / (std::string(split) + ".json"), split_json(entries, split));
  fs::remove_all(partial, ec);

  stats.skipped = skipped;
  stats.written = stats.videos - stats.skipped;
  stats.frames = frames_total;
  for (double s : render_s) stats.render_seconds += s;
  stats.seconds = seconds_since(t0);
  return stats;
}

}  // namespace grain::data::synth
