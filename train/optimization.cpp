// defines: make_optimizer, make_schedule (see optimization.h)
#include "train/optimization.h"

namespace grain {

std::unique_ptr<Optimizer> make_optimizer(const TrainerConfig& c, ParameterStore& store) {
  if (c.optimizer == OptimizerKind::kSgd) return std::make_unique<Sgd>(store, SgdOptions{c.lr, c.momentum, c.weight_decay});
  return std::make_unique<Adam>(store, AdamOptions{c.lr, c.beta1, c.beta2, c.adam_eps, c.weight_decay});
}

std::unique_ptr<LrSchedule> make_schedule(const TrainerConfig& c, int64_t total_steps) {
  ScheduleOptions o;
  o.total_steps = total_steps;
  o.warmup_steps = c.warmup_steps;
  o.step_size = c.step_size;
  o.gamma = c.gamma;
  o.plateau = {c.plateau_factor, c.plateau_patience, c.plateau_threshold, c.plateau_cooldown, c.min_lr};
  return make_lr_schedule(c.schedule, c.lr, o);
}

}  // namespace grain
