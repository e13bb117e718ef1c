// defines: grain::EvalResult, evaluate_split — validation of a model on a split
//
// Runs the model in evaluation mode (batch-norm running statistics, centre
// crops) over every video of the evaluation loader, predicts classes (top-1
// and top-5) and, for captioning tasks, decodes captions (greedy, or beam
// search), writes predictions-<split>.jsonl in the format `evaluate` reads,
// and scores them with the metrics library.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "models/video_model.h"
#include "tools/trainer/dataset_setup.h"

namespace grain {

struct EvalResult {
  std::map<std::string, double> metrics;  // accuracy, top5, bleu4, rouge_l, meteor, cider_d, exact_match, loss
  int64_t videos = 0;
  std::filesystem::path predictions;
};

EvalResult evaluate_split(const VideoModel& model, TrainingData& data, const TrainerConfig& config, Device device,
                          const std::filesystem::path& predictions_file);

}  // namespace grain
