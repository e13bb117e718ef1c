// defines: the learning-rate schedules and make_lr_schedule (see lr_schedule.h)
#include "engine/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace grain {

namespace {

double field(const ScheduleState& state, const char* name) {
  const auto it = state.find(name);
  GRAIN_CHECK(it != state.end(), "schedule state: field '" << name << "' is missing");
  return it->second;
}

}  // namespace

double LrSchedule::lr_for_step(int64_t step) const {
  const double rate = rate_at_step(step);
  if (warmup_steps_ <= 0 || step + 1 >= warmup_steps_) return rate;
  return rate * static_cast<double>(step + 1) / static_cast<double>(warmup_steps_);
}

void LrSchedule::set_warmup_steps(int64_t steps) {
  GRAIN_CHECK(steps >= 0, "schedule: warmup_steps must be >= 0, got " << steps);
  warmup_steps_ = steps;
}

void ConstantLr::load_state(const ScheduleState& state) { lr_ = field(state, "lr"); }

StepLr::StepLr(double base, int64_t step_size, double gamma)
    : base_(base), gamma_(gamma), lr_(base), step_size_(step_size) {
  GRAIN_CHECK(step_size >= 1, "step schedule: step_size must be >= 1, got " << step_size);
}

double StepLr::update(int64_t epochs, double) {
  lr_ = base_ * std::pow(gamma_, static_cast<double>(epochs / step_size_));
  return lr_;
}

void StepLr::load_state(const ScheduleState& state) { lr_ = field(state, "lr"); }

ReduceLrOnPlateau::ReduceLrOnPlateau(double base, const PlateauOptions& options) : options_(options), lr_(base) {
  GRAIN_CHECK(options.factor > 0 && options.factor < 1, "plateau schedule: factor must be in (0, 1), got "
                                                            << options.factor);
}

double ReduceLrOnPlateau::update(int64_t, double metric) {
  if (metric < best * (1.0 - options_.threshold)) {
    best = metric;
    bad_epochs = 0;
  } else {
    ++bad_epochs;
  }
  if (cooldown_left > 0) {
    --cooldown_left;
    bad_epochs = 0;
  }
  if (bad_epochs > options_.patience) {
    lr_ = std::max(lr_ * options_.factor, options_.min_lr);
    cooldown_left = options_.cooldown;
    bad_epochs = 0;
  }
  return lr_;
}

ScheduleState ReduceLrOnPlateau::state() const {
  return {{"lr", lr_},
          {"best", best},
          {"bad_epochs", static_cast<double>(bad_epochs)},
          {"cooldown_left", static_cast<double>(cooldown_left)}};
}

void ReduceLrOnPlateau::load_state(const ScheduleState& state) {
  lr_ = field(state, "lr");
  best = field(state, "best");
  bad_epochs = static_cast<int64_t>(field(state, "bad_epochs"));
  cooldown_left = static_cast<int64_t>(field(state, "cooldown_left"));
}

CosineLr::CosineLr(double base, int64_t total_steps, double min_lr)
    : base_(base), min_lr_(min_lr), total_steps_(total_steps) {
  GRAIN_CHECK(total_steps >= 1, "cosine schedule: total_steps must be >= 1, got " << total_steps);
  GRAIN_CHECK(min_lr >= 0 && min_lr <= base,
              "cosine schedule: min_lr must be in [0, lr] = [0, " << base << "], got " << min_lr);
}

double CosineLr::rate_at_step(int64_t step) const {
  if (step >= total_steps_) return min_lr_;
  const double progress = static_cast<double>(std::max<int64_t>(step, 0)) / static_cast<double>(total_steps_);
  return min_lr_ + (base_ - min_lr_) * 0.5 * (1.0 + std::cos(std::acos(-1.0) * progress));
}

std::unique_ptr<LrSchedule> make_lr_schedule(ScheduleKind kind, double base_lr, const ScheduleOptions& options) {
  std::unique_ptr<LrSchedule> schedule;
  switch (kind) {
    case ScheduleKind::kConstant: schedule = std::make_unique<ConstantLr>(base_lr); break;
    case ScheduleKind::kStep: schedule = std::make_unique<StepLr>(base_lr, options.step_size, options.gamma); break;
    case ScheduleKind::kPlateau: schedule = std::make_unique<ReduceLrOnPlateau>(base_lr, options.plateau); break;
    case ScheduleKind::kCosine:
      schedule = std::make_unique<CosineLr>(base_lr, options.total_steps, options.plateau.min_lr);
      break;
  }
  GRAIN_CHECK(schedule, "make_lr_schedule: schedule kind " << static_cast<int>(kind) << " is not one of ScheduleKind");
  schedule->set_warmup_steps(options.warmup_steps);
  return schedule;
}

}  // namespace grain
