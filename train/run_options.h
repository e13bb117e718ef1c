// defines: grain::TrainerOptions, StopReason, RunSummary — what a training or
//          evaluation run is asked to do beyond its config, and what it reports
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

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

}  // namespace grain
