// Optimisers and schedules against values worked out from torch.optim's
// formulas (tests/fixtures/engine/optim_reference.py prints them, and checks
// them against torch.optim when PyTorch is installed), and a tiny model
// trained on a toy problem to near-zero loss.
#include <catch2/catch.hpp>

#include <cmath>

#include "engine/ops/activation.h"
#include "engine/ops/cross_entropy.h"
#include "engine/ops/linear.h"
#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"
#include "engine/parameters.h"

using namespace grain;
using Catch::Matchers::WithinAbs;

namespace {

struct TwoParams {
  ParameterStore store{DType::kFloat64};
  std::shared_ptr<Parameter> p = store.declare("p", {2});
  TwoParams() {
    store.materialize();
    p->value.copy_from(Tensor::from_vector({1.0, -0.5}, {2}, DType::kFloat64));
  }
  void set_grad(double a, double b) { p->value.grad().copy_from(Tensor::from_vector({a, b}, {2}, DType::kFloat64)); }
};

const std::vector<std::vector<double>> kGrads = {{0.5, -0.2}, {-1.0, 0.3}, {0.25, 0.0}};

}  // namespace

TEST_CASE("Adam steps match torch.optim.Adam's formula", "[optim]") {
  TwoParams t;
  Adam adam(t.store, {0.1, 0.9, 0.999, 1e-8, 0.01});
  const std::vector<std::vector<double>> expected = {{0.9000000019607843, -0.40000000487804854},
                                                     {0.9355236415321513, -0.4230476661702048},
                                                     {0.9477812225953081, -0.44011132652857543}};
  for (size_t s = 0; s < kGrads.size(); ++s) {
    t.set_grad(kGrads[s][0], kGrads[s][1]);
    adam.step();
    const std::vector<double> v = t.p->value.to_vector();
    CHECK_THAT(v[0], WithinAbs(expected[s][0], 1e-14));
    CHECK_THAT(v[1], WithinAbs(expected[s][1], 1e-14));
  }
  CHECK(adam.steps() == 3);
}

TEST_CASE("SGD with momentum matches torch.optim.SGD's formula", "[optim]") {
  TwoParams t;
  Sgd sgd(t.store, {0.1, 0.9, 0.01});
  const std::vector<std::vector<double>> expected = {
      {0.949, -0.4795}, {1.002151, -0.4905705}, {1.023984749, -0.5000433795}};
  for (size_t s = 0; s < kGrads.size(); ++s) {
    t.set_grad(kGrads[s][0], kGrads[s][1]);
    sgd.step();
    const std::vector<double> v = t.p->value.to_vector();
    CHECK_THAT(v[0], WithinAbs(expected[s][0], 1e-14));
    CHECK_THAT(v[1], WithinAbs(expected[s][1], 1e-14));
  }
}

TEST_CASE("clipping by global norm scales all gradients by max / (norm + 1e-6)", "[optim]") {
  TwoParams t;
  t.set_grad(3.0, 4.0);  // norm 5
  CHECK_THAT(clip_grad_norm(t.store, 1.0), WithinAbs(5.0, 1e-15));
  const std::vector<double> g = t.p->value.grad().to_vector();
  CHECK_THAT(g[0], WithinAbs(3.0 / (5.0 + 1e-6), 1e-15));
  CHECK_THAT(g[1], WithinAbs(4.0 / (5.0 + 1e-6), 1e-15));
  CHECK_THAT(clip_grad_norm(t.store, 10.0), WithinAbs(1.0 / (1.0 + 2e-7), 1e-9));  // below: unchanged
}

TEST_CASE("each schedule declares the clock its update() counts", "[optim]") {
  const ScheduleOptions options{10, 0.1, {}, 100, 0};
  CHECK(make_lr_schedule(ScheduleKind::kConstant, 0.1, options)->clock() == ScheduleClock::kStep);
  CHECK(make_lr_schedule(ScheduleKind::kCosine, 0.1, options)->clock() == ScheduleClock::kStep);
  CHECK(make_lr_schedule(ScheduleKind::kStep, 0.1, options)->clock() == ScheduleClock::kEpoch);
  CHECK(make_lr_schedule(ScheduleKind::kPlateau, 0.1, options)->clock() == ScheduleClock::kValidation);
}

TEST_CASE("learning-rate schedules: step and reduce-on-plateau", "[optim]") {
  // update(completed epochs): 0.1 x 0.5^floor(epochs / 2).
  StepLr step(0.1, 2, 0.5);
  CHECK_THAT(step.update(1, 0), WithinAbs(0.1, 1e-15));
  CHECK_THAT(step.update(2, 0), WithinAbs(0.05, 1e-15));
  CHECK_THAT(step.update(5, 0), WithinAbs(0.025, 1e-15));
  // patience 1: reduce after 2 validations without a relative improvement of 1e-4.
  ReduceLrOnPlateau plateau(1e-4, {0.1, 1, 1e-4, 0, 1e-7});
  CHECK(plateau.update(0, 1.0) == 1e-4);      // best 1.0
  CHECK(plateau.update(1, 0.99995) == 1e-4);  // not < 1.0 * (1 - 1e-4): bad 1
  CHECK_THAT(plateau.update(2, 1.0), WithinAbs(1e-5, 1e-20));  // bad 2 > patience: reduce
  CHECK_THAT(plateau.update(3, 0.5), WithinAbs(1e-5, 1e-20));  // improvement
  plateau.update(4, 0.6);
  CHECK_THAT(plateau.update(5, 0.6), WithinAbs(1e-6, 1e-20));
  plateau.update(6, 0.6);
  CHECK_THAT(plateau.update(7, 0.6), WithinAbs(1e-7, 1e-20));  // floored at min_lr
}

TEST_CASE("learning-rate schedules: cosine per step, and the warm-up of any schedule", "[optim]") {
  ScheduleOptions options;
  options.total_steps = 100;
  options.plateau.min_lr = 0.01;
  auto cosine = make_lr_schedule(ScheduleKind::kCosine, 0.1, options);
  // min + (base - min) (1 + cos(pi s / 100)) / 2, worked by hand:
  CHECK_THAT(cosine->lr_for_step(0), WithinAbs(0.1, 1e-15));
  CHECK_THAT(cosine->lr_for_step(50), WithinAbs(0.055, 1e-15));                 // cos(pi/2) = 0
  CHECK_THAT(cosine->lr_for_step(25), WithinAbs(0.01 + 0.045 * (1 + 0.7071067811865476), 1e-15));
  CHECK_THAT(cosine->lr_for_step(100), WithinAbs(0.01, 1e-15));
  CHECK_THAT(cosine->lr_for_step(150), WithinAbs(0.01, 1e-15));                 // after the end: the floor
  cosine->update(3, 0.5);                                                        // validations change nothing
  CHECK_THAT(cosine->lr_for_step(50), WithinAbs(0.055, 1e-15));

  options.warmup_steps = 4;
  auto constant = make_lr_schedule(ScheduleKind::kConstant, 0.2, options);
  CHECK_THAT(constant->lr_for_step(0), WithinAbs(0.05, 1e-15));  // 1/4 of the rate
  CHECK_THAT(constant->lr_for_step(2), WithinAbs(0.15, 1e-15));
  CHECK_THAT(constant->lr_for_step(3), WithinAbs(0.2, 1e-15));
  CHECK_THAT(constant->lr_for_step(9), WithinAbs(0.2, 1e-15));
  auto warm_cosine = make_lr_schedule(ScheduleKind::kCosine, 0.1, options);
  CHECK_THAT(warm_cosine->lr_for_step(1), WithinAbs(0.5 * (0.01 + 0.045 * (1 + std::cos(std::acos(-1.0) / 100))), 1e-15));
  auto step = make_lr_schedule(ScheduleKind::kStep, 0.1, options);
  step->update(20, 0);  // 0.1 * 0.1^2, warmed up after step 3
  CHECK_THAT(step->lr_for_step(10), WithinAbs(1e-3, 1e-15));

  options.plateau.min_lr = 0.5;
  CHECK_THROWS_WITH(make_lr_schedule(ScheduleKind::kCosine, 0.1, options), Catch::Matchers::Contains("min_lr must be in [0, lr]"));
  options.plateau.min_lr = 0;
  options.total_steps = 0;
  CHECK_THROWS_WITH(make_lr_schedule(ScheduleKind::kCosine, 0.1, options), Catch::Matchers::Contains("total_steps must be >= 1"));
}

TEST_CASE("a schedule restored from its state continues as the original", "[optim]") {
  // Drive a plateau schedule to a reduction with one bad epoch pending, save,
  // restore into a fresh one, and feed both the same metrics.
  const ScheduleOptions options{10, 0.1, {0.5, 1, 1e-4, 1, 1e-7}};
  auto original = make_lr_schedule(ScheduleKind::kPlateau, 1e-3, options);
  for (double m : {1.0, 1.0, 1.0, 0.9, 0.9}) original->update(0, m);
  auto restored = make_lr_schedule(ScheduleKind::kPlateau, 1e-3, options);
  restored->load_state(original->state());
  CHECK(restored->current() == original->current());
  for (double m : {0.9, 0.9, 0.95, 0.5, 0.6, 0.6}) CHECK(restored->update(0, m) == original->update(0, m));
  auto step = make_lr_schedule(ScheduleKind::kStep, 0.1, options);
  step->update(25, 0);  // 0.1 * 0.1^2
  auto step_restored = make_lr_schedule(ScheduleKind::kStep, 0.1, options);
  step_restored->load_state(step->state());
  CHECK_THAT(step_restored->current(), WithinAbs(1e-3, 1e-15));
  CHECK_THROWS_WITH(step_restored->load_state({}), Catch::Matchers::Contains("'lr' is missing"));
}

TEST_CASE("a tiny MLP learns XOR to near-zero loss with Adam", "[optim][training]") {
  ParameterStore store(DType::kFloat64);
  auto w1 = store.declare("w1", {8, 2});
  auto b1 = store.declare("b1", {8});
  auto w2 = store.declare("w2", {2, 8});
  auto b2 = store.declare("b2", {2});
  store.materialize();
  w1->value.copy_from(Tensor::uniform({8, 2}, -1, 1, 3, DType::kFloat64));
  w2->value.copy_from(Tensor::uniform({2, 8}, -1, 1, 4, DType::kFloat64));
  const Tensor x = Tensor::from_vector({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2}, DType::kFloat64);
  const Tensor y = Tensor::from_indices({0, 1, 1, 0}, {4});
  Adam adam(store, {0.05});
  double first = 0, last = 0;
  for (int step = 0; step < 400; ++step) {
    store.zero_grad();
    const Tensor loss = cross_entropy(linear(tanh(linear(x, w1->value, b1->value)), w2->value, b2->value), y);
    loss.backward();
    adam.step();
    if (step == 0) first = loss.item();
    last = loss.item();
  }
  INFO("loss " << first << " -> " << last);
  CHECK(first > 0.5);
  CHECK(last < 0.01);
}
