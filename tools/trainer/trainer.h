// defines: grain::TrainerOptions, RunSummary, run_training, request_stop, exit_status
//
// One trainer invocation: a training run (tools/trainer/training_run.h) or,
// with eval_only, the evaluation of a checkpoint into its own folder
// (tools/trainer/evaluation_run.h). SIGINT/SIGTERM stop a training run after
// the current step with a checkpoint; the process then exits with
// 128 + the signal (130, 143), so scripts can tell it from a finished run.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tools/trainer/trainer_config.h"

namespace grain {

namespace distributed {
class Communicator;
}

struct TrainerOptions {
  // "" (fresh; refuses a run folder that has checkpoints), "auto" (the
  // newest valid checkpoint of the run folder), or a checkpoint folder.
  // With eval_only: a run folder (its best checkpoint) or a checkpoint
  // folder; "" or "auto": the config's run folder.
  std::string resume;
  bool resume_anyway = false;  // resume although the run's identity changed (recorded in the run folder)
  bool eval_only = false;
  std::filesystem::path eval_out;  // eval_only: the output folder ("" = RUN/eval-<step>-<split>)
  bool quiet = false;              // no progress line (tests)
  // Data-parallel training (docs/distributed.md): this process's
  // communicator, made by main from the launcher's environment; null is a
  // world of one. Rank 0 alone writes the run folder and prints.
  distributed::Communicator* communicator = nullptr;
  int cuda_device = 0;             // device cuda: the GPU of this process (its local rank unless set)
};

enum class StopReason { kFinished, kSignal, kNonFinite };

struct RunSummary {
  int64_t steps = 0, epochs_completed = 0, skipped_steps = 0;
  std::map<std::string, double> final_metrics;  // of the evaluation split (data/metrics/metric_names.h)
  int64_t metrics_step = -1;                    // the step the metrics and predictions come from (-1: none)
  int64_t eval_videos = 0;
  double chance_accuracy = 0;    // 100 / classes
  double majority_accuracy = 0;  // always predicting the most frequent training class
  std::filesystem::path run_dir, predictions, output_dir;  // output_dir: where summary.json was written
  double seconds = 0;
  StopReason reason = StopReason::kFinished;
  int stop_signal = 0;           // the signal that stopped the run (kSignal)
  std::vector<double> losses;    // training loss of every step (the mean over the processes of a job)
  bool stopped_early() const { return reason != StopReason::kFinished; }
};

// Runs the config; `config_yaml` is the effective config written to the run folder.
RunSummary run_training(const TrainerConfig& config, const std::string& config_yaml, const TrainerOptions& options);

// Asks a running training to stop after the current step (signal-safe).
void request_stop(int signal = 0);
// SIGINT and SIGTERM call request_stop(signal); a second one ends the process at once.
void install_stop_signal_handlers();

// The process exit status for a summary: 0 finished, 128 + signal when
// stopped by one, 1 when stopped by non-finite steps.
int exit_status(const RunSummary& summary);

}  // namespace grain
