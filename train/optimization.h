// defines: grain::make_optimizer, make_schedule — the optimizer and the
//          learning-rate schedule a config asks for (optimizer.*, schedule.*)
//
// The one place that turns those keys into engine objects: the training run
// and the frame baselines both build theirs here.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"
#include "engine/parameters.h"
#include "train/trainer_config.h"

namespace grain {

// optimizer.name over the store's trainable parameters, at optimizer.lr.
std::unique_ptr<Optimizer> make_optimizer(const TrainerConfig& config, ParameterStore& store);
// schedule.* from optimizer.lr, for a run of total_steps optimizer steps.
std::unique_ptr<LrSchedule> make_schedule(const TrainerConfig& config, int64_t total_steps);

}  // namespace grain
