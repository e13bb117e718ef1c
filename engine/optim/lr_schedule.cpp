// defines: StepLr, ReduceLrOnPlateau (see lr_schedule.h)
#include "engine/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace grain {

StepLr::StepLr(double base, int64_t step_size, double gamma)
    : base_(base), gamma_(gamma), lr_(base), step_size_(step_size) {
  GRAIN_CHECK(step_size >= 1, "step schedule: step_size must be >= 1, got " << step_size);
}

double StepLr::update(int64_t epoch, double) {
  lr_ = base_ * std::pow(gamma_, static_cast<double>(epoch / step_size_));
  return lr_;
}

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

}  // namespace grain
