// defines: grain::EvalResult, evaluate_split — a model evaluated on a split
//
// Runs the model in evaluation mode (batch-norm running statistics, centre
// crops) over every video of the evaluation loader, predicts classes (top-1
// and top-5) and, for captioning tasks, decodes captions (greedy, or beam
// search), writes predictions-<split>.jsonl in the format `evaluate` reads
// (atomically: the file appears whole or not at all), and scores them with
// the metrics library under the names of data/metrics/metric_names.h.
// A bad video is never replaced by another here: it is left out, named in
// the result and counted. An unlabelled split (the real test split) gets
// predictions and no metrics.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/video_model.h"
#include "tools/trainer/dataset_setup.h"

namespace grain {

struct EvalResult {
  std::map<std::string, double> metrics;  // empty for an unlabelled split
  int64_t videos = 0;                     // videos predicted (and scored when labelled)
  int64_t split_videos = 0;               // videos in the split
  std::vector<std::string> left_out;      // bad videos, not scored
  bool labelled = true;
  std::filesystem::path predictions;
};

EvalResult evaluate_split(const VideoModel& model, TrainingData& data, const TrainerConfig& config, Device device,
                          const std::filesystem::path& predictions_file);

}  // namespace grain
