// defines: grain::run_training, exit_status
//
// One trainer invocation: a training run (train/training_run.h) or, with
// eval_only, the evaluation of a checkpoint into its own folder
// (train/evaluation_run.h). SIGINT/SIGTERM stop a training run after the
// current step with a checkpoint (train/stop_request.h); the process then
// exits with 128 + the signal (130, 143), so scripts can tell it from a
// finished run.
#pragma once

#include <string>

#include "train/run_options.h"
#include "train/trainer_config.h"

namespace grain {

// Runs the config; `config_yaml` is the effective config written to the run folder.
RunSummary run_training(const TrainerConfig& config, const std::string& config_yaml, const TrainerOptions& options);

// The process exit status for a summary: 0 finished, 128 + signal when
// stopped by one, 1 when stopped by non-finite steps.
int exit_status(const RunSummary& summary);

}  // namespace grain
