// defines: grain::EvalBaselines, EvalResult, make_baselines, evaluate_split,
//          diagnose_evaluation, write_class_report — a model evaluated on a split
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
//
// Beside the model's numbers every evaluation reports what says whether the
// model has learned: the spread of its predictions (distinct answers over
// distinct references, the share of the most common answer), the losses
// separately (the caption loss also per token, to read against ln V), and
// the baselines (majority class; for captions the template baseline), which
// make_baselines computes once per run from the training split.
// diagnose_evaluation turns them into symptoms (data/metrics/diagnosis.h);
// write_class_report writes the confusion matrix (JSON and SVG) and returns
// the per-class accuracies for summary.json.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "data/metrics/diagnosis.h"
#include "data/metrics/prediction_spread.h"
#include "engine/distributed/communicator.h"
#include "models/video_model.h"
#include "train/dataset_setup.h"

namespace grain {

// From the training split, once per run.
struct EvalBaselines {
  std::vector<int> training_classes;           // the task's class of each training video (majority class)
  std::vector<std::string> template_captions;  // caption tasks: the template baseline's caption per category
};

EvalBaselines make_baselines(const TrainingData& data, const TrainerConfig& config);

struct EvalResult {
  std::map<std::string, double> metrics;  // empty for an unlabelled split
  int64_t videos = 0;                     // videos predicted (and scored when labelled)
  int64_t split_videos = 0;               // videos in the split
  std::vector<std::string> left_out;      // bad videos, not scored
  bool labelled = true;
  std::filesystem::path predictions;
  // Labelled splits: per scored video, and the spread of the answers
  // (most_common as the class name, or the caption).
  std::vector<int> predicted_classes, true_classes;
  std::optional<metrics::PredictionSpread> class_spread, caption_spread;
};

// baselines: when given, majority_top1 and (caption tasks) template_* join the metrics.
// comm (a data-parallel job; null = one process): each process predicts its
// slice of every evaluation batch (data/loader/loader.h), the predictions and
// loss sums are gathered to every process in the split's order, and every
// process scores the whole split (so all hold the same metrics, which drive
// the learning-rate schedule); only rank 0 writes the predictions file.
EvalResult evaluate_split(const VideoModel& model, TrainingData& data, const TrainerConfig& config, Device device,
                          const std::filesystem::path& predictions_file, const EvalBaselines* baselines = nullptr,
                          distributed::Communicator* comm = nullptr);

// The symptoms of a labelled evaluation (collapse, a loss at its chance value).
std::vector<metrics::Symptom> diagnose_evaluation(const EvalResult& result, const TrainingData& data,
                                                  const TrainerConfig& config);

// Where the diagnosis messages point.
inline constexpr char kNotLearnedSection[] = "see docs/trainer.md, 'When a model has not learned'";

// Writes <dir>/confusion-<split>.json (class names, the matrix with rows =
// true class and columns = predicted class, per-class accuracy, the most
// frequent confusions) and <dir>/confusion-<split>.svg (a heat map), and
// returns summary.json's "per_class" entry. Labelled evaluations only.
nlohmann::json write_class_report(const EvalResult& result, const TrainingData& data, const TrainerConfig& config,
                                  const std::filesystem::path& dir);

}  // namespace grain
