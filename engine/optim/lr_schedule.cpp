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

void ConstantLr::load_state(const ScheduleState& state) { lr_ = field(state, "lr"); }

StepLr::StepLr(double base, int64_t step_size, double gamma)
    : base_(base), gamma_(gamma), lr_(base), step_size_(step_size) {
  GRAIN_CHECK(step_size >= 1, "step schedule: step_size must be >= 1, got " << step_size);
}

double StepLr::update(int64_t epoch, double) {
  lr_ = base_ * std::pow(gamma_, static_cast<double>(epoch / step_size_));
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

std::unique_ptr<LrSchedule> make_lr_schedule(const std::string& name, double base_lr, const ScheduleOptions& options) {
  if (name == "constant") return std::make_unique<ConstantLr>(base_lr);
  if (name == "step") return std::make_unique<StepLr>(base_lr, options.step_size, options.gamma);
  if (name == "plateau") return std::make_unique<ReduceLrOnPlateau>(base_lr, options.plateau);
  GRAIN_THROW("schedule '" << name << "': expected constant, step or plateau");
}

}  // namespace grain
