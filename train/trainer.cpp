// defines: run_training, exit_status (see trainer.h)
#include "train/trainer.h"

#include "train/evaluation_run.h"
#include "train/training_run.h"

namespace grain {

RunSummary run_training(const TrainerConfig& config, const std::string& config_yaml, const TrainerOptions& options) {
  if (options.eval_only) return evaluate_checkpoint_run(config, options);
  TrainingRun run(config, config_yaml, options);
  return run.run();
}

int exit_status(const RunSummary& summary) {
  switch (summary.reason) {
    case StopReason::kFinished: return 0;
    case StopReason::kSignal: return summary.stop_signal > 0 ? 128 + summary.stop_signal : 130;
    case StopReason::kNonFinite: return 1;
  }
  return 1;
}

}  // namespace grain
