// Whole training runs on a small generated dataset (tiny preset, 4 frames):
// exact resume, falling back past a truncated checkpoint, the checkpoint's
// safetensors files, non-finite steps, evaluation-only runs.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "data/formats/checkpoint_folder.h"
#include "data/formats/safetensors.h"
#include "data/ssv2/vocabulary.h"
#include "data/synth/dataset_writer.h"
#include "tools/trainer/trainer.h"

using namespace grain;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

fs::path scratch() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / ("grain-trainer-test-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// 12 training and 4 validation videos of synth-ss at 64x48, generated once.
const fs::path& dataset() {
  static const fs::path root = [] {
    const fs::path d = scratch() / "synth";
    const auto kind = data::synth::make_dataset_kind("synth-ss");
    data::synth::WriteOptions o;
    o.out = d;
    o.seed = 3;
    o.splits = {12, 4, 0};
    o.width = 64;
    o.height = 48;
    o.threads = 1;
    o.progress = false;
    data::synth::write_dataset(*kind, o);
    return d;
  }();
  return root;
}

std::string config_yaml(const std::string& task, const fs::path& out, const std::string& extra = "") {
  return "task: " + task + "\ndataset:\n  root: " + dataset().string() +
         "\nmodel:\n  preset: tiny\n  frames: 4\n  lstm_hidden: 16\n  decoder_hidden: 16\n  embedding: 8\n"
         "train:\n  epochs: 2\n  batch_size: 4\n  threads: 1\n  workers: 1\n  log_every_steps: 1\n"
         "run:\n  out: " + out.string() + "\n" + extra;
}

RunSummary run(const std::string& yaml, const std::vector<std::string>& overrides, const std::string& resume = "",
               bool eval_only = false) {
  const ConfigValues v = trainer_schema().parse(yaml, "test.yaml", overrides);
  TrainerOptions options;
  options.resume = resume;
  options.eval_only = eval_only;
  options.quiet = true;
  return run_training(read_trainer_config(v, "test.yaml"), v.to_yaml(), options);
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("exact resume: N steps equal k steps, stop, resume, N - k steps, bitwise", "[trainer][resume]") {
  for (const std::string task : {"fg_classes", "fg_captions"}) {
    INFO("task " << task);
    const fs::path straight = scratch() / (task + "-straight"), split = scratch() / (task + "-split");
    const RunSummary full = run(config_yaml(task, straight), {"train.max_steps=5"});
    const RunSummary first = run(config_yaml(task, split), {"train.max_steps=2"});
    const RunSummary rest = run(config_yaml(task, split), {"train.max_steps=5"}, "auto");
    REQUIRE(full.losses.size() == 5);
    REQUIRE(first.losses.size() == 2);
    REQUIRE(rest.losses.size() == 3);
    std::vector<double> joined = first.losses;
    joined.insert(joined.end(), rest.losses.begin(), rest.losses.end());
    for (size_t i = 0; i < 5; ++i) {
      INFO("step " << i + 1);
      CHECK(joined[i] == full.losses[i]);  // bitwise: == on doubles
    }
    // Final weights: the model files of the two step-5 checkpoints are identical.
    CHECK(file_bytes(straight / "ckpt-5" / "model.safetensors") == file_bytes(split / "ckpt-5" / "model.safetensors"));
    CHECK(file_bytes(straight / "ckpt-5" / "optimizer.safetensors") ==
          file_bytes(split / "ckpt-5" / "optimizer.safetensors"));
  }
}

TEST_CASE("resume falls back past a truncated checkpoint", "[trainer][resume]") {
  const fs::path out = scratch() / "truncated";
  run(config_yaml("fg_classes", out),
      {"train.max_steps=4", "train.checkpoint_every_steps=2", "train.eval_every_steps=100"});
  REQUIRE(fs::exists(out / "ckpt-2"));
  REQUIRE(fs::exists(out / "ckpt-4"));
  const fs::path model = out / "ckpt-4" / "model.safetensors";
  fs::resize_file(model, fs::file_size(model) / 2);
  const formats::LatestCheckpoint latest = formats::find_latest_valid(out);
  REQUIRE(latest.checkpoint);
  CHECK(latest.checkpoint->step == 2);
  REQUIRE(!latest.messages.empty());
  CHECK_THAT(latest.messages.front(), Contains("model.safetensors"));
  // The resumed run continues from step 2 and replays steps 3 and 4.
  const RunSummary resumed = run(config_yaml("fg_classes", out), {"train.max_steps=4"}, "auto");
  CHECK(resumed.losses.size() == 2);
  CHECK(resumed.steps == 4);
}

TEST_CASE("a fresh run refuses a run folder that has checkpoints", "[trainer][resume]") {
  const fs::path out = scratch() / "refuse";
  run(config_yaml("fg_classes", out), {"train.max_steps=1"});
  CHECK_THROWS_WITH(run(config_yaml("fg_classes", out), {"train.max_steps=1"}), Contains("--resume auto"));
}

TEST_CASE("checkpoints hold PyTorch names and layouts and pass every safetensors rule", "[trainer][checkpoint]") {
  const fs::path out = scratch() / "layout";
  run(config_yaml("fg_captions", out), {"train.max_steps=1"});
  const formats::SafetensorsFile model = formats::read_safetensors(out / "ckpt-1" / "model.safetensors");
  CHECK(model.metadata.at("format") == "pt");
  const formats::SafetensorsEntry& conv = model.at("encoder.cnn3d.conv1.conv.weight");
  CHECK(conv.dtype == "F32");
  CHECK(conv.shape == std::vector<uint64_t>{8, 3, 3, 3, 3});  // (Cout, Cin, kT, kH, kW)
  CHECK(model.at("encoder.cnn2d.conv2.conv.weight").shape == std::vector<uint64_t>{16, 8, 1, 3, 3});
  CHECK(model.at("encoder.lstm.weight_ih_l0_reverse").shape == std::vector<uint64_t>{64, 128});
  CHECK(model.find("encoder.cnn3d.conv6.bn.running_var"));
  CHECK(model.find("decoder.output.weight"));
  const formats::SafetensorsFile opt = formats::read_safetensors(out / "ckpt-1" / "optimizer.safetensors");
  CHECK(opt.find("exp_avg.classifier.weight"));
  const nlohmann::json state = nlohmann::json::parse(file_bytes(out / "ckpt-1" / "state.json"));
  CHECK(state.at("step") == 1);
  CHECK(fs::exists(out / "ckpt-1" / "vocabulary.json"));
  // A model reloaded from it evaluates to the same predictions.
  const RunSummary again = run(config_yaml("fg_captions", out), {"train.max_steps=1"}, "", true);
  CHECK(again.eval_videos == 4);
}

TEST_CASE("non-finite steps are skipped and the run stops after a configured number in a row", "[trainer]") {
  const fs::path out = scratch() / "nonfinite";
  // A learning rate of 1e38 moves every weight by about 1e38 in the first
  // step, so the next forward overflows to inf - inf = NaN.
  const RunSummary s = run(config_yaml("fg_classes", out), {"optimizer.lr=1e38", "train.max_nonfinite_steps=2",
                                                            "train.checkpoint_every_steps=1"});
  CHECK(s.stopped_early);
  CHECK(s.skipped_steps == 2);
  REQUIRE(s.losses.size() == 3);
  CHECK(std::isfinite(s.losses.front()));
  CHECK_FALSE(std::isfinite(s.losses.back()));
  // The checkpoint of the last good step stands; none was written during the streak.
  const formats::LatestCheckpoint latest = formats::find_latest_valid(out);
  REQUIRE(latest.checkpoint);
  CHECK(latest.checkpoint->step == 1);
}

TEST_CASE("the run folder has metrics, TensorBoard events, predictions and a summary", "[trainer]") {
  const fs::path out = scratch() / "folder";
  const RunSummary s = run(config_yaml("cg_classes", out), {"train.max_steps=3"});
  for (const char* f : {"config.yaml", "metrics.jsonl", "summary.json", "predictions-validation.jsonl", "latest"})
    CHECK(fs::exists(out / f));
  CHECK(!fs::is_empty(out / "tensorboard"));
  std::ifstream predictions(out / "predictions-validation.jsonl");
  int lines = 0;
  for (std::string line; std::getline(predictions, line); ++lines) {
    const nlohmann::json j = nlohmann::json::parse(line);
    CHECK(j.contains("id"));
    CHECK(j.at("class").get<int>() >= 0);
  }
  CHECK(lines == 4);
  CHECK(s.eval_videos == 4);
  CHECK(s.chance_accuracy > 0);
}

TEST_CASE("resuming with a vocabulary other than the checkpoint's is refused", "[trainer][resume]") {
  const fs::path out = scratch() / "vocabulary";
  run(config_yaml("fg_captions", out), {"train.max_steps=1"});
  data::Vocabulary::build({"an entirely different vocabulary"}, 1).save(out / "vocabulary.json");
  CHECK_THROWS_WITH(run(config_yaml("fg_captions", out), {"train.max_steps=2"}, "auto"),
                    Contains("ckpt-1/vocabulary.json differs from the run's vocabulary"));
}
