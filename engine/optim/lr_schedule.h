// defines: LrSchedule, ScheduleKind, ScheduleClock, ConstantLr, StepLr, ReduceLrOnPlateau, CosineLr,
//          ScheduleOptions, make_lr_schedule
//
// A schedule maps progress to a learning rate, and each schedule declares
// the clock it counts (clock()): the cosine and constant schedules are pure
// functions of the training step; the step schedule counts completed
// epochs (torch StepLR), whether or not the run validates; the plateau
// schedule counts validations, watching the validation loss (torch
// ReduceLROnPlateau). The caller reports each tick of that clock to
// update() with the count so far, and asks lr_for_step() before each
// training step: the one rate the optimizer is given. Every schedule can
// ramp the rate up linearly over its first warm-up steps. Each schedule
// saves and restores its own state as named numbers (state() /
// load_state()), as an optimizer saves its state tensors, so a checkpoint
// holds it without knowing its fields.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>

namespace grain {

using ScheduleState = std::map<std::string, double>;

enum class ScheduleKind { kConstant, kStep, kPlateau, kCosine };

// What a schedule's update() counts.
enum class ScheduleClock {
  kStep,        // nothing: the rate is a function of the step alone (update() changes nothing)
  kEpoch,       // completed epochs
  kValidation,  // validations with a metric (lower is better)
};

class LrSchedule {
 public:
  virtual ~LrSchedule() = default;
  virtual ScheduleClock clock() const = 0;
  // Advances the schedule to `completed` ticks of its clock(): after an
  // epoch, the epochs completed so far; after a validation, the validations
  // so far and that validation's metric (NaN for an epoch clock). Returns
  // the rate it then holds (current()).
  virtual double update(int64_t completed, double metric) = 0;
  virtual double current() const = 0;
  virtual ScheduleState state() const { return {{"lr", current()}}; }
  // Restores what state() returned; throws naming a missing field.
  virtual void load_state(const ScheduleState& state) = 0;

  // The learning rate of training step `step` (0-based): the schedule's rate
  // at that step (for the epoch and validation clocks, what update() last
  // set) times the warm-up factor min(1, (step + 1) / warmup_steps).
  double lr_for_step(int64_t step) const;
  void set_warmup_steps(int64_t steps);  // 0: no warm-up

 protected:
  virtual double rate_at_step(int64_t /*step*/) const { return current(); }

 private:
  int64_t warmup_steps_ = 0;
};

class ConstantLr : public LrSchedule {
 public:
  explicit ConstantLr(double lr) : lr_(lr) {}
  ScheduleClock clock() const override { return ScheduleClock::kStep; }
  double update(int64_t, double) override { return lr_; }
  double current() const override { return lr_; }
  void load_state(const ScheduleState& state) override;

 private:
  double lr_;
};

// lr = base gamma^(floor(epochs / step_size)) after `epochs` completed
// epochs (torch StepLR, stepped once per epoch).
class StepLr : public LrSchedule {
 public:
  StepLr(double base, int64_t step_size, double gamma);
  ScheduleClock clock() const override { return ScheduleClock::kEpoch; }
  double update(int64_t epochs, double metric) override;
  double current() const override { return lr_; }
  void load_state(const ScheduleState& state) override;

 private:
  double base_, gamma_, lr_;
  int64_t step_size_;
};

struct PlateauOptions {
  double factor = 0.1;       // new lr = lr * factor
  int64_t patience = 10;     // validations without improvement before reducing
  double threshold = 1e-4;   // relative improvement needed ("rel" mode, mode "min")
  int64_t cooldown = 0;
  double min_lr = 0.0;
};

// torch ReduceLROnPlateau(mode="min", threshold_mode="rel"), stepped once
// per validation with its metric.
class ReduceLrOnPlateau : public LrSchedule {
 public:
  ReduceLrOnPlateau(double base, const PlateauOptions& options);
  ScheduleClock clock() const override { return ScheduleClock::kValidation; }
  double update(int64_t validations, double metric) override;
  double current() const override { return lr_; }
  ScheduleState state() const override;
  void load_state(const ScheduleState& state) override;

  double best = std::numeric_limits<double>::infinity();
  int64_t bad_epochs = 0, cooldown_left = 0;  // bad_epochs: validations without improvement (torch's name)

 private:
  PlateauOptions options_;
  double lr_;
};

// Half a cosine from base at step 0 down to min_lr at total_steps (then
// min_lr): lr = min_lr + (base - min_lr) (1 + cos(pi step / total_steps)) / 2
// (torch CosineAnnealingLR with T_max = total_steps, per step). Validations
// do not change it, so it has no state beyond its options.
class CosineLr : public LrSchedule {
 public:
  CosineLr(double base, int64_t total_steps, double min_lr);
  ScheduleClock clock() const override { return ScheduleClock::kStep; }
  double update(int64_t, double) override { return base_; }
  double current() const override { return base_; }
  void load_state(const ScheduleState&) override {}

 protected:
  double rate_at_step(int64_t step) const override;

 private:
  double base_, min_lr_;
  int64_t total_steps_;
};

struct ScheduleOptions {
  int64_t step_size = 10;    // step
  double gamma = 0.1;        // step
  PlateauOptions plateau;    // plateau (its min_lr is also cosine's floor)
  int64_t total_steps = 0;   // cosine: the run's training steps
  int64_t warmup_steps = 0;  // every schedule
};

std::unique_ptr<LrSchedule> make_lr_schedule(ScheduleKind kind, double base_lr, const ScheduleOptions& options);

}  // namespace grain
