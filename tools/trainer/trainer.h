// defines: grain::Trainer, TrainerOptions — one training run, start to finish
//
// Owns the run folder (effective config, vocabulary, metrics.jsonl,
// TensorBoard events, checkpoints, predictions, summary.json), builds the
// data, the model and the optimizer from the config, resumes from the newest
// valid checkpoint when asked, trains with periodic validation and
// checkpoints, and finishes with an evaluation of the configured split.
// SIGINT/SIGTERM stop it cleanly after the current step with a checkpoint.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "tools/trainer/trainer_config.h"

namespace grain {

struct TrainerOptions {
  std::string resume;  // "" (fresh; refuses a run folder that has checkpoints), "auto", or a ckpt folder
  bool eval_only = false;
  bool quiet = false;  // no progress line (tests)
};

struct RunSummary {
  int64_t steps = 0, epochs_completed = 0, skipped_steps = 0;
  std::map<std::string, double> final_metrics;  // of the evaluation split
  int64_t eval_videos = 0;
  double chance_accuracy = 0;    // 100 / classes
  double majority_accuracy = 0;  // always predicting the most frequent training class
  std::filesystem::path run_dir, predictions;
  double seconds = 0;
  bool stopped_early = false;  // by a signal or by non-finite steps
  std::vector<double> losses;  // training loss of every step of this process (tests use it)
};

// Runs the config; `config_yaml` is the effective config written to the run folder.
RunSummary run_training(const TrainerConfig& config, const std::string& config_yaml, const TrainerOptions& options);

// Asks a running training to stop after the current step (signal-safe).
void request_stop();

}  // namespace grain
