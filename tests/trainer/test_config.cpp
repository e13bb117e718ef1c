// Config validation: unknown keys, wrong types, bad choices, missing files,
// too-small crops, and the shipped configs all load.
#include <catch2/catch.hpp>

#include <filesystem>

#include "engine/device.h"
#include "engine/error.h"
#include "tools/trainer/trainer_config.h"

using namespace grain;
using Catch::Matchers::Contains;

namespace {
TrainerConfig parse(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return read_trainer_config(trainer_schema().parse(yaml, "test.yaml", overrides), "test.yaml");
}
const std::string kMinimal = "dataset:\n  root: /data\n";
}  // namespace

TEST_CASE("a minimal config takes the documented defaults", "[trainer][config]") {
  const TrainerConfig c = parse(kMinimal);
  CHECK(c.task == Task::kFineClasses);
  CHECK(c.model.preset == "tiny");
  CHECK(c.model.crop == 56);
  CHECK(c.loss.classification == 1.0);
  CHECK(c.loss.caption == 0.0);
  CHECK(c.out_dir == std::filesystem::path("runs/test"));
  const TrainerConfig captions = parse(kMinimal + "task: fg_captions\n");
  CHECK(captions.loss.classification == 0.1);
  CHECK(captions.loss.caption == 0.9);
}

TEST_CASE("unknown keys and sections are errors naming the key, the file and a hint", "[trainer][config]") {
  CHECK_THROWS_WITH(parse(kMinimal + "train:\n  batchsize: 4\n"),
                    Contains("test.yaml line 4") && Contains("unknown key 'train.batchsize'") &&
                        Contains("did you mean 'train.batch_size'"));
  CHECK_THROWS_WITH(parse(kMinimal + "trian:\n  epochs: 4\n"), Contains("unknown section 'trian'"));
  CHECK_THROWS_WITH(parse(kMinimal, {"train.epoch=3"}), Contains("--set train.epoch=3") && Contains("unknown key"));
}

TEST_CASE("wrong types and bad choices are errors naming the key", "[trainer][config]") {
  CHECK_THROWS_WITH(parse(kMinimal + "train:\n  batch_size: eight\n"),
                    Contains("test.yaml line 4: key 'train.batch_size' must be an integer, got 'eight'"));
  CHECK_THROWS_WITH(parse(kMinimal + "optimizer:\n  lr: [1, 2]\n"), Contains("'optimizer.lr'") && Contains("list"));
  CHECK_THROWS_WITH(parse(kMinimal + "task: captions\n"), Contains("key 'task' must be one of"));
  CHECK_THROWS_WITH(parse(kMinimal, {"loss.score_padding=maybe"}), Contains("must be a boolean"));
  CHECK_THROWS_WITH(parse("dataset: [1]\n"), Contains("unknown key 'dataset'"));
  CHECK_THROWS_WITH(parse("task: fg_classes\n"), Contains("'dataset.root' is required"));
  CHECK_THROWS_WITH(parse(kMinimal + "train: {batch_size: 4\n"), Contains("not valid YAML"));
}

TEST_CASE("a crop too small for the unpadded layers is rejected with the reason", "[trainer][config]") {
  CHECK_THROWS_WITH(parse(kMinimal + "model:\n  crop: 48\n"),
                    Contains("test.yaml") && Contains("model.crop 48 is too small") && Contains("at least 56"));
  CHECK_THROWS_WITH(parse(kMinimal, {"loss.caption=0.5"}), Contains("has no captions"));
}

TEST_CASE("a missing config file is an error naming it", "[trainer][config]") {
  CHECK_THROWS_WITH(trainer_schema().load("/nonexistent/config.yaml", {}),
                    Contains("cannot open /nonexistent/config.yaml"));
}

TEST_CASE("every shipped config loads", "[trainer][config]") {
  int loaded = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(GRAIN_SOURCE_DIR) + "/configs")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    CHECK_NOTHROW(read_trainer_config(trainer_schema().load(entry.path(), {}), entry.path()));
    ++loaded;
  }
  CHECK(loaded >= 13);
}

TEST_CASE("the effective config round-trips through YAML", "[trainer][config]") {
  const ConfigValues v = trainer_schema().parse(kMinimal + "train:\n  epochs: 7\n", "test.yaml", {"optimizer.lr=0.5"});
  const ConfigValues again = trainer_schema().parse(v.to_yaml(), "effective.yaml", {});
  CHECK(again.get_int("train.epochs") == 7);
  CHECK(again.get_double("optimizer.lr") == 0.5);
  CHECK(again.get_string("dataset.root") == "/data");
}

TEST_CASE("device auto resolves to the GPU when there is one, else the CPU", "[trainer][config]") {
  const bool gpu = cuda_is_built() && cuda_device_count() > 0;
  CHECK(parse(kMinimal + "device: auto\n").device == (gpu ? "cuda" : "cpu"));
  CHECK(parse(kMinimal, {"device=auto"}).device == (gpu ? "cuda" : "cpu"));
  CHECK_THROWS_WITH(parse(kMinimal + "device: gpu\n"), Contains("device"));
}
