// Writes a generated dataset in the Something-Something V2 layout.
//
// Design decision: videos are independent jobs (each a pure function of
// seed and index) pulled by worker threads from an atomic counter; each is
// written under OUT/.partial/ and renamed into videos/ (or frames/) when
// complete, so an interrupted run leaves only whole videos under their final
// names and a rerun skips them. The label files are written last, also
// atomically, so a folder with labels.json is a finished dataset. A stamp
// (OUT/.make_dataset.json) refuses to resume with different settings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "dataset_kind.h"

namespace grain::data::synth {

enum class VideoFormat { kWebm, kJpeg };

struct WriteOptions {
  std::filesystem::path out;
  uint64_t seed = 1;
  SplitSizes splits;
  int width = 128, height = 96;
  VideoFormat format = VideoFormat::kWebm;
  int threads = 0;        // 0: all hardware threads
  int crf = 32;           // VP9 constant quality (webm)
  int jpeg_quality = 90;  // JPEG quality (frame folders)
  bool progress = true;   // progress on stderr
  // Polled before each video; true stops the workers after the videos in
  // hand, leaving a folder a later call completes (no label files yet).
  std::function<bool()> stop_requested;
};

struct WriteStats {
  int64_t videos = 0, written = 0, skipped = 0, frames = 0;  // frames of the written videos
  double seconds = 0;         // wall time
  double render_seconds = 0;  // summed over threads: scene building + rendering, no encoding
  bool stopped = false;       // options.stop_requested ended it early: the dataset is not complete
};

/// Renders every frame of one video: frames.size() == num_frames * width * height * 3.
/// Returns the number of frames.
int render_video(const DatasetKind& kind, uint64_t seed, uint64_t index, int class_index, int width, int height,
                 std::vector<uint8_t>& frames);

/// Generates (or completes) the dataset in options.out (unless stopped: stats.stopped). Throws grain::data::DataError
/// naming the file on I/O or encoding failures and on a stamp mismatch.
WriteStats write_dataset(const DatasetKind& kind, const WriteOptions& options);

}  // namespace grain::data::synth
