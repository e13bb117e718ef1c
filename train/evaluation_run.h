// defines: evaluate_checkpoint_run — `trainer --eval-only`
//
// Evaluates one checkpoint (a run folder's best, from best.json, else its
// newest valid one; or the checkpoint folder named) on the config's
// evaluation split and writes predictions-<split>.jsonl and summary.json to
// an output folder of its own, RUN/eval-<step>-<split>/ by default: never
// over the training run's files.
#pragma once

#include "train/run_options.h"
#include "train/trainer_config.h"

namespace grain {

RunSummary evaluate_checkpoint_run(const TrainerConfig& config, const TrainerOptions& options);

}  // namespace grain
