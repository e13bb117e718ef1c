// defines: grain::MetricsLog — metrics.jsonl and TensorBoard, side by side
//
// One line per write in RUN/metrics.jsonl ({"split", "step", "epoch",
// "wall_time", <name>: value...}, non-finite values as null) and the same
// numbers as TensorBoard scalars <split>/<name>, under the metric names of
// data/metrics/metric_names.h.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "data/formats/tensorboard_writer.h"

namespace grain {

class MetricsLog {
 public:
  explicit MetricsLog(const std::filesystem::path& run_dir);
  void write(const std::string& split, int64_t step, int64_t epoch, const std::map<std::string, double>& values);

 private:
  std::filesystem::path jsonl_path_;
  std::ofstream jsonl_;
  formats::TensorBoardWriter tensorboard_;
};

}  // namespace grain
