// defines: grain::MetricsLog — metrics.jsonl and TensorBoard, side by side
//
// One line per write in RUN/metrics.jsonl ({"split", "step", "epoch",
// "wall_time", <name>: value...}, non-finite values as null) and the same
// numbers as TensorBoard scalars <split>/<name>, under the metric names of
// data/metrics/metric_names.h.
//
// A run that starts at step S (0 when fresh, the checkpoint's step when
// resumed) first cuts the log back to S: what a stopped or killed attempt
// logged after its last checkpoint is logged again by this run, so the rows
// of steps after S (and the TensorBoard points of those steps) are removed.
// The rows up to S are kept byte for byte, and the file is replaced
// atomically (data/common/file_io.h), only when something changes. A last
// line cut short by a kill is dropped; a damaged line before it is an error
// naming the file and line. The event files of tensorboard/ are cut the same
// way (a file left without a point is removed), and a new one is created by
// the first write only: resuming a finished run changes neither file. So the
// log of a run resumed after a kill is the uninterrupted run's, apart from
// the wall-clock fields (wall_time, clips_per_s; docs/trainer.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "data/formats/tensorboard_writer.h"

namespace grain {

class MetricsLog {
 public:
  // The log of run_dir for a run that starts at start_step, cut back to it
  // (see above). Throws naming the file for a damaged line or event record.
  MetricsLog(const std::filesystem::path& run_dir, int64_t start_step);
  void write(const std::string& split, int64_t step, int64_t epoch, const std::map<std::string, double>& values);
  // Whether metrics.jsonl has a row of `split` at `step` (e.g. the final
  // validation of a finished run that is resumed: not logged twice).
  bool has_row(const std::string& split, int64_t step) const;
  // What the cut changed, a sentence each (for the run's messages); empty when nothing.
  const std::vector<std::string>& changes() const { return changes_; }

 private:
  void cut_jsonl(int64_t step);
  void cut_tensorboard(int64_t step);

  std::filesystem::path jsonl_path_, tensorboard_dir_;
  std::set<std::pair<std::string, int64_t>> rows_;  // (split, step) of every row
  std::vector<std::string> changes_;
  std::ofstream jsonl_;
  std::unique_ptr<formats::TensorBoardWriter> tensorboard_;  // from the first write
};

}  // namespace grain
