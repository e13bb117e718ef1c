// The learning-rate schedules on their own clocks in whole training runs
// (tiny preset, 4 frames, 12 training videos in batches of 4: 3 steps per
// epoch): the step schedule decays per completed epoch whether the run
// validates or not, and whatever the validation interval; it resumes where
// it stopped; the plateau schedule, which only validations move, refuses a
// run that has none with metrics. Each step's rate is read from
// metrics.jsonl (train.log_every_steps 1).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/trainer/trainer_test_data.h"
#include "train/trainer.h"

using namespace grain;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

using testing::dataset;
using testing::dataset_without_validation;
using testing::scratch;

std::string config_yaml(const fs::path& data, const fs::path& out) {
  return "task: fg_classes\ndataset:\n  root: " + data.string() +
         "\nmodel:\n  preset: tiny\n  frames: 4\n  lstm_hidden: 16\n  decoder_hidden: 16\n  embedding: 8\n"
         "optimizer:\n  lr: 0.01\nschedule:\n  name: step\n  step_size: 1\n  gamma: 0.5\n"
         "train:\n  epochs: 3\n  batch_size: 4\n  threads: 1\n  workers: 1\n  log_every_steps: 1\n"
         "run:\n  out: " + out.string() + "\n";
}

RunSummary run(const std::string& yaml, const std::vector<std::string>& overrides, const std::string& resume = "") {
  const ConfigValues v = trainer_schema().parse(yaml, "test.yaml", overrides);
  TrainerOptions options;
  options.resume = resume;
  options.quiet = true;
  return run_training(read_trainer_config(v, "test.yaml"), v.to_yaml(), options);
}

// The learning rate of each logged training step, by step (1-based).
std::vector<double> logged_rates(const fs::path& out) {
  std::vector<double> rates;
  std::ifstream in(out / "metrics.jsonl");
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j.at("split") != "train") continue;
    REQUIRE(j.at("step").get<size_t>() == rates.size() + 1);
    rates.push_back(j.at("lr").get<double>());
  }
  return rates;
}

// 0.01 x 0.5^(completed epochs), for the 9 steps of 3 epochs of 3.
std::vector<double> per_epoch_rates() {
  std::vector<double> rates;
  for (int step = 0; step < 9; ++step) rates.push_back(0.01 * std::pow(0.5, step / 3));
  return rates;
}

void check_rates(const std::vector<double>& logged, const std::vector<double>& expected) {
  REQUIRE(logged.size() == expected.size());
  for (size_t k = 0; k < expected.size(); ++k) {
    INFO("step " << k + 1);
    CHECK_THAT(logged[k], Catch::Matchers::WithinRel(expected[k], 1e-12));
  }
}

}  // namespace

TEST_CASE("the step schedule decays per epoch on a run without a validation split", "[trainer][schedule]") {
  // Before: the schedule was advanced by the validation count, so without
  // validations the rate stayed at 0.01 for every step.
  const fs::path out = scratch() / "step-no-validation";
  const RunSummary s = run(config_yaml(dataset_without_validation(), out), {});
  CHECK(s.steps == 9);
  check_rates(logged_rates(out), per_epoch_rates());
}

TEST_CASE("the step schedule decays per epoch on a run validating an unlabelled split", "[trainer][schedule]") {
  const fs::path out = scratch() / "step-unlabelled";
  run(config_yaml(dataset(), out), {"dataset.eval_split=test"});
  check_rates(logged_rates(out), per_epoch_rates());
}

TEST_CASE("the step schedule counts epochs, not validations, when a run validates every 2 steps",
          "[trainer][schedule]") {
  // Before: 4 validations (steps 2, 4, 6, 8) gave 4 decays at those steps.
  const fs::path out = scratch() / "step-every-2";
  run(config_yaml(dataset(), out), {"train.eval_every_steps=2"});
  check_rates(logged_rates(out), per_epoch_rates());
}

TEST_CASE("a resumed step schedule continues at the rate of its epoch", "[trainer][schedule][resume]") {
  const fs::path out = scratch() / "step-resumed";
  const std::string yaml = config_yaml(dataset_without_validation(), out);
  run(yaml, {"train.max_steps=4"});  // stops inside the second epoch, at 0.005
  run(yaml, {}, "auto");
  check_rates(logged_rates(out), per_epoch_rates());
}

TEST_CASE("a plateau schedule is refused on a run with no validation metrics to watch", "[trainer][schedule]") {
  // Before: the run trained at a constant rate, the schedule never consulted.
  CHECK_THROWS_WITH(run(config_yaml(dataset_without_validation(), scratch() / "plateau-empty"),
                        {"schedule.name=plateau"}),
                    Contains("schedule.name plateau") && Contains("split validation of") &&
                        Contains("has no videos"));
  CHECK_THROWS_WITH(run(config_yaml(dataset(), scratch() / "plateau-unlabelled"),
                        {"schedule.name=plateau", "dataset.eval_split=test"}),
                    Contains("schedule.name plateau") && Contains("is unlabelled"));
  // With a labelled validation split it trains (patience 10: the rate holds for these 3 validations).
  const fs::path out = scratch() / "plateau";
  CHECK(run(config_yaml(dataset(), out), {"schedule.name=plateau"}).steps == 9);
  check_rates(logged_rates(out), std::vector<double>(9, 0.01));
}
