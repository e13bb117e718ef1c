// defines: run_training, request_stop, exit_status (see trainer.h)
#include "tools/trainer/trainer.h"

#include <csignal>

#include "tools/trainer/evaluation_run.h"
#include "tools/trainer/training_run.h"

namespace grain {

RunSummary run_training(const TrainerConfig& config, const std::string& config_yaml, const TrainerOptions& options) {
  if (options.eval_only) return evaluate_checkpoint_run(config, options);
  TrainingRun run(config, config_yaml, options);
  return run.run();
}

void request_stop(int signal) {
  g_stop_signal = signal;
  g_stop_requested = true;
}

namespace {

void on_stop_signal(int signal) {
  request_stop(signal);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

void install_stop_signal_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
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
