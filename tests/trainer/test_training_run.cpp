// Whole training runs on a small generated dataset (tiny preset, 4 frames):
// exact resume, falling back past a truncated checkpoint, the metrics log
// and TensorBoard events of resumed runs (cut back to the checkpoint), the
// checkpoint's safetensors files, non-finite steps, evaluation-only runs, the resume
// identity check, bad and unlabelled evaluation videos, signals and exit
// statuses (the trainer binary in a child process).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include "data/formats/checkpoint_folder.h"
#include "data/formats/safetensors.h"
#include "data/formats/tensorboard_writer.h"
#include "data/ssv2/vocabulary.h"
#include "data/synth/dataset_writer.h"
#include "tests/trainer/trainer_test_data.h"
#include "engine/autograd.h"
#include "models/video_model.h"
#include "train/checkpointing.h"
#include "train/run_lock.h"
#include "train/training_run.h"
#include "train/trainer.h"

using namespace grain;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

using testing::dataset;
using testing::dataset_without_validation;
using testing::scratch;

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
  // A learning rate of 1e30 moves every weight by about 1e30 in the first
  // step (still finite), so the next forward overflows to inf - inf = NaN.
  const RunSummary s = run(config_yaml("fg_classes", out), {"optimizer.lr=1e30", "train.max_nonfinite_steps=2",
                                                            "train.checkpoint_every_steps=1"});
  CHECK(s.stopped_early());
  CHECK(s.skipped_steps == 2);
  REQUIRE(s.losses.size() == 3);
  CHECK(std::isfinite(s.losses.front()));
  CHECK(s.reason == StopReason::kNonFinite);
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

namespace {

std::vector<nlohmann::json> jsonl(const fs::path& p) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

bool all_finite(const fs::path& model_safetensors) {
  for (const auto& e : formats::read_safetensors(model_safetensors).tensors) {
    std::vector<float> v(e.bytes.size() / sizeof(float));
    std::memcpy(v.data(), e.bytes.data(), v.size() * sizeof(float));
    for (float x : v)
      if (!std::isfinite(x)) return false;
  }
  return true;
}

bool has_tmp_file(const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().extension() == ".tmp" || e.path().filename().string().rfind(".tmp-", 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("weights that overflow are never checkpointed: the run stops, the last good checkpoint stands", "[trainer]") {
  // lr 1e38: the first step's update overflows some weights to inf although
  // its loss and gradient were finite.
  const fs::path out = scratch() / "overflow";
  const RunSummary s = run(config_yaml("fg_classes", out), {"optimizer.lr=1e38", "train.max_steps=3",
                                                            "train.checkpoint_every_steps=1"});
  CHECK(s.reason == StopReason::kNonFinite);
  CHECK(exit_status(s) == 1);
  CHECK(s.steps == 1);
  CHECK(formats::list_checkpoints(out).empty());
}

TEST_CASE("a skipped non-finite step leaves the model as it was, and no checkpoint holds a non-finite value",
          "[trainer]") {
  // lr 1e30: step 1 moves every weight by ~1e30 (finite); from step 2 the
  // forward overflows. Steps 2-4 are skipped: the batch-norm running
  // statistics they computed must be put back, so the model evaluated at the
  // end is exactly the model of ckpt-1.
  const fs::path out = scratch() / "nonfinite-state";
  const RunSummary s = run(config_yaml("fg_classes", out), {"optimizer.lr=1e30", "train.max_nonfinite_steps=100",
                                                            "train.max_steps=3", "train.checkpoint_every_steps=1",
                                                            "train.eval_every_steps=100"});
  REQUIRE(s.skipped_steps == 2);
  CHECK_FALSE(fs::exists(out / "ckpt-2"));
  CHECK_FALSE(fs::exists(out / "ckpt-3"));  // the end of training inside the streak is not checkpointed
  for (const auto& c : formats::list_checkpoints(out)) CHECK(all_finite(c.path / "model.safetensors"));
  const std::string trained = file_bytes(out / "predictions-validation.jsonl");
  const RunSummary again = run(config_yaml("fg_classes", out), {}, (out / "ckpt-1").string(), true);
  CHECK(file_bytes(again.predictions) == trained);

}

TEST_CASE("resume refuses another run's identity unless --resume-anyway, and records it", "[trainer][resume]") {
  const fs::path out = scratch() / "identity";
  run(config_yaml("fg_classes", out), {"train.max_steps=1"});
  for (const std::string change : {"optimizer.lr=0.002", "train.batch_size=2", "train.seed=7", "model.frames=2",
                                   "dataset.fps=6"}) {
    INFO(change);
    const std::string key = change.substr(0, change.find('='));
    CHECK_THROWS_WITH(run(config_yaml("fg_classes", out), {"train.max_steps=2", change}, "auto"),
                      Contains(key) && Contains("--resume-anyway"));
  }
  // Not part of the identity: more steps, another validation interval.
  CHECK(run(config_yaml("fg_classes", out), {"train.max_steps=2", "train.eval_every_steps=5"}, "auto").steps == 2);
  const ConfigValues v = trainer_schema().parse(config_yaml("fg_classes", out), "test.yaml",
                                                {"train.max_steps=3", "optimizer.lr=0.002"});
  TrainerOptions options;
  options.resume = "auto";
  options.resume_anyway = true;
  options.quiet = true;
  CHECK(run_training(read_trainer_config(v, "test.yaml"), v.to_yaml(), options).steps == 3);
  CHECK_THAT(file_bytes(out / "resume-anyway.log"), Contains("optimizer.lr: 0.001"));
}

// best.json is a file of the run folder, so it may name only a checkpoint
// folder inside it: a valid checkpoint elsewhere is still refused.
TEST_CASE("best.json naming a checkpoint outside its run folder is refused", "[trainer][eval]") {
  const fs::path run = scratch() / "best-outside" / "run", other = scratch() / "best-outside" / "other";
  formats::write_checkpoint(run, 2, {{"model.safetensors", "m"}});
  formats::write_checkpoint(other, 1, {{"model.safetensors", "m"}});
  const auto best = [&](const std::string& name) {
    std::ofstream(run / "best.json") << nlohmann::json{{"checkpoint", name}, {"step", 1}}.dump();
  };
  best("ckpt-2");
  CHECK(evaluation_checkpoint(run) == run / "ckpt-2");
  for (const std::string& name : std::vector<std::string>{"../other/ckpt-1", (other / "ckpt-1").string()}) {
    best(name);
    CHECK_THROWS_WITH(evaluation_checkpoint(run), Contains("best.json") && Contains(name) &&
                                                      Contains("must name a checkpoint folder inside the run folder"));
  }
}

TEST_CASE("an evaluation-only run writes its own folder and leaves the training run's files alone", "[trainer][eval]") {
  const fs::path out = scratch() / "eval-only";
  run(config_yaml("cg_classes", out), {"train.max_steps=3"});
  const std::string summary = file_bytes(out / "summary.json");
  const std::string predictions = file_bytes(out / "predictions-validation.jsonl");
  const RunSummary e = run(config_yaml("cg_classes", out), {}, "", true);
  CHECK(e.output_dir == out / "eval-3-validation");  // best.json names ckpt-3
  CHECK(fs::exists(out / "eval-3-validation" / "summary.json"));
  CHECK(file_bytes(out / "eval-3-validation" / "predictions-validation.jsonl") == predictions);
  CHECK(file_bytes(out / "summary.json") == summary);
  const nlohmann::json j = nlohmann::json::parse(file_bytes(e.output_dir / "summary.json"));
  CHECK(j.at("metrics_step") == 3);
  CHECK(j.at("metrics").contains("top1"));
  CHECK(j.at("diagnosis").is_array());
  CHECK(fs::exists(e.output_dir / "confusion-validation.json"));
  CHECK(fs::exists(e.output_dir / "confusion-validation.svg"));
}

TEST_CASE("an unlabelled split gets predictions and no metrics", "[trainer][eval]") {
  const fs::path out = scratch() / "unlabelled";
  const RunSummary s = run(config_yaml("fg_captions", out), {"train.max_steps=1", "dataset.eval_split=test"});
  CHECK(s.final_metrics.empty());
  CHECK(jsonl(out / "predictions-test.jsonl").size() == 2);
  CHECK(jsonl(out / "predictions-test.jsonl").front().contains("caption"));
  CHECK_FALSE(has_tmp_file(out));
}

TEST_CASE("the last step's validation is the final one, logged once", "[trainer]") {
  const fs::path out = scratch() / "final-once";
  run(config_yaml("fg_classes", out), {"train.max_steps=3"});  // 3 steps = one epoch: validation at step 3
  int at_step_3 = 0;
  for (const auto& line : jsonl(out / "metrics.jsonl")) at_step_3 += line.at("split") == "validation" && line.at("step") == 3;
  CHECK(at_step_3 == 1);
  const nlohmann::json summary = nlohmann::json::parse(file_bytes(out / "summary.json"));
  CHECK(summary.at("metrics_step") == 3);
  CHECK(summary.at("stop_reason") == "finished");
}

TEST_CASE("the training-loss window survives a resume: metrics.jsonl equals the uninterrupted run's", "[trainer][resume]") {
  const fs::path straight = scratch() / "window-straight", split = scratch() / "window-split";
  const std::vector<std::string> every2{"train.log_every_steps=2", "train.eval_every_steps=100"};
  auto with = [&](std::vector<std::string> v, const std::string& extra) { v.push_back(extra); return v; };
  run(config_yaml("fg_classes", straight), with(every2, "train.max_steps=5"));
  run(config_yaml("fg_classes", split), with(every2, "train.max_steps=3"));  // step 3 sits in an open window
  run(config_yaml("fg_classes", split), with(every2, "train.max_steps=5"), "auto");
  auto train_losses = [&](const fs::path& dir) {
    std::vector<std::pair<int64_t, double>> out;
    for (const auto& line : jsonl(dir / "metrics.jsonl"))
      if (line.at("split") == "train") out.emplace_back(line.at("step"), line.at("loss"));
    return out;
  };
  const auto a = train_losses(straight), b = train_losses(split);
  REQUIRE(a.size() == 2);  // steps 2 and 4
  CHECK(a == b);           // bitwise
}

namespace {

// The lines of metrics.jsonl without their wall-clock fields: wall_time (when
// the line was written) and clips_per_s (throughput over the logging window's
// wall-clock time) differ between any two runs; every other field is
// deterministic. Re-serialised: the same keys in the same (sorted) order and
// the same shortest round-trip numbers as the trainer wrote.
std::vector<std::string> rows_without_wall_clock(const fs::path& run) {
  std::vector<std::string> rows;
  for (nlohmann::json line : jsonl(run / "metrics.jsonl")) {
    line.erase("wall_time");
    line.erase("clips_per_s");
    rows.push_back(line.dump());
  }
  return rows;
}

// Every scalar point of the run's TensorBoard event files, "tag step value-bits",
// sorted, but for the wall-clock train/clips_per_s. The Event protobuf read here field by field (independently of the
// trainer): step = field 2 (varint), summary = field 5 { value = field 1 {
// tag = field 1, simple_value = field 2 (fixed32) } }. decode_tfrecords
// throws on a truncated or damaged record.
// The fields of a protobuf message, one after the other.
struct ProtoReader {
  std::string_view b;
  size_t at = 0;
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<uint8_t>(b.at(at++));
      v |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
  }
  // Calls field(number, bytes, value): bytes of a length-delimited or fixed
  // field, value of a varint one.
  template <class F>
  void fields(F&& field) {
    while (at < b.size()) {
      const uint64_t key = varint(), number = key >> 3, type = key & 7;
      REQUIRE((type == 0 || type == 1 || type == 2 || type == 5));
      if (type == 0) {
        const uint64_t value = varint();
        field(number, std::string_view(), value);
        continue;
      }
      const size_t n = type == 2 ? static_cast<size_t>(varint()) : type == 1 ? 8 : 4;
      REQUIRE(n <= b.size() - at);
      field(number, b.substr(at, n), uint64_t{0});
      at += n;
    }
  }
};

std::vector<std::string> tensorboard_points(const fs::path& run) {
  std::vector<std::string> points;
  if (!fs::exists(run / "tensorboard")) return points;
  for (const auto& file : fs::directory_iterator(run / "tensorboard")) {
    for (const std::string& event : formats::decode_tfrecords(file_bytes(file.path()), file.path().string())) {
      uint64_t step = 0;
      std::vector<std::pair<std::string, uint32_t>> values;  // tag, bits of simple_value
      ProtoReader{event}.fields([&](uint64_t n, std::string_view bytes, uint64_t v) {
        if (n == 2) step = v;
        if (n != 5) return;
        ProtoReader{bytes}.fields([&](uint64_t, std::string_view value, uint64_t) {
          std::pair<std::string, uint32_t> point;
          ProtoReader{value}.fields([&](uint64_t m, std::string_view x, uint64_t) {
            if (m == 1) point.first = x;
            if (m == 2) std::memcpy(&point.second, x.data(), 4);  // little-endian, as the machine
          });
          values.push_back(point);
        });
      });
      for (const auto& [tag, bits] : values)
        if (tag != "train/clips_per_s")  // wall-clock, as in rows_without_wall_clock
          points.push_back(tag + " " + std::to_string(step) + " " + std::to_string(bits));
    }
  }
  std::sort(points.begin(), points.end());
  return points;
}

// Every file of a folder, with its bytes, by relative path.
std::map<std::string, std::string> folder_bytes(const fs::path& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = file_bytes(e.path());
  return files;
}

}  // namespace

TEST_CASE("resuming a finished run changes neither metrics.jsonl nor tensorboard/", "[trainer][resume][log]") {
  // eval_every_steps 100: the final validation comes after the last
  // checkpoint; 2: the last step's validation (before it) is the final one.
  for (const std::string eval_every : {"100", "2"}) {
    INFO("train.eval_every_steps " << eval_every);
    const fs::path out = scratch() / ("finished-" + eval_every);
    const std::vector<std::string> settings{"train.max_steps=4", "train.checkpoint_every_steps=2",
                                            "train.eval_every_steps=" + eval_every};
    run(config_yaml("fg_classes", out), settings);
    const std::string log = file_bytes(out / "metrics.jsonl");
    const std::map<std::string, std::string> events = folder_bytes(out / "tensorboard");
    REQUIRE(!events.empty());
    for (int again = 0; again < 2; ++again) {
      const RunSummary s = run(config_yaml("fg_classes", out), settings, "auto");
      CHECK(s.steps == 4);
      CHECK(s.metrics_step == 4);
      CHECK(s.final_metrics.count("top1") == 1);
      CHECK(file_bytes(out / "metrics.jsonl") == log);
      CHECK(folder_bytes(out / "tensorboard") == events);
    }
  }
}

TEST_CASE("resumed after a kill, metrics.jsonl and TensorBoard are the uninterrupted run's", "[trainer][resume][log]") {
  // 6 steps, checkpoints every 2 (and at the best validation), validations at 3 and 6.
  const std::vector<std::string> settings{"train.checkpoint_every_steps=2", "train.eval_every_steps=3"};
  auto with = [&](const std::string& extra) { auto v = settings; v.push_back(extra); return v; };
  const fs::path straight = scratch() / "kill-straight", killed = scratch() / "kill-resumed";
  run(config_yaml("fg_classes", straight), with("train.max_steps=6"));
  // The killed attempt: it logged step 5 (and its final validation at 5)
  // but was killed before ckpt-5 was written, in the middle of a line of
  // step 6 and of a TensorBoard record.
  run(config_yaml("fg_classes", killed), with("train.max_steps=5"));
  fs::remove_all(killed / "ckpt-5");
  std::ofstream(killed / "metrics.jsonl", std::ios::app) << R"({"clips_per_s":4.5,"epoch":1,"grad_norm":0.7)";
  std::vector<fs::path> event_files;
  for (const auto& e : fs::directory_iterator(killed / "tensorboard")) event_files.push_back(e.path());
  REQUIRE(event_files.size() == 1);
  const std::string last_record = formats::encode_tfrecord(std::string(40, 'x'));
  std::ofstream(event_files[0], std::ios::app | std::ios::binary) << last_record.substr(0, 30);
  const std::string before = file_bytes(killed / "metrics.jsonl");
  size_t five_lines = 0;  // the rows of steps 1-4: train 1-3, validation 3, train 4
  for (int n = 0; n < 5; ++n) five_lines = before.find('\n', five_lines) + 1;

  const RunSummary resumed = run(config_yaml("fg_classes", killed), with("train.max_steps=6"), "auto");
  CHECK(resumed.losses.size() == 2);  // steps 5 and 6, from ckpt-4
  const std::string after = file_bytes(killed / "metrics.jsonl");
  CHECK(after.substr(0, five_lines) == before.substr(0, five_lines));  // the earlier rows, byte for byte
  const std::vector<std::string> want = rows_without_wall_clock(straight);
  REQUIRE(want.size() == 8);  // train 1-6, validation 3 and 6
  CHECK(rows_without_wall_clock(killed) == want);
  const std::vector<std::string> points = tensorboard_points(straight);
  CHECK(points.size() > 8);
  CHECK(tensorboard_points(killed) == points);
}

TEST_CASE("a fresh start over an attempt that left no checkpoint logs its steps once", "[trainer][resume][log]") {
  const fs::path straight = scratch() / "restart-straight", restarted = scratch() / "restart-again";
  run(config_yaml("fg_classes", straight), {"train.max_steps=2"});
  run(config_yaml("fg_classes", restarted), {"train.max_steps=2"});
  // As if it had been killed before its first checkpoint.
  for (const auto& c : formats::list_checkpoints(restarted)) fs::remove_all(c.path);
  fs::remove(restarted / "latest");
  run(config_yaml("fg_classes", restarted), {"train.max_steps=2"});
  CHECK(rows_without_wall_clock(restarted) == rows_without_wall_clock(straight));
  CHECK(tensorboard_points(restarted) == tensorboard_points(straight));
}

TEST_CASE("a damaged metrics.jsonl line before the last is refused on resume, naming the file and line",
          "[trainer][resume][log]") {
  const fs::path out = scratch() / "damaged-log";
  run(config_yaml("fg_classes", out), {"train.max_steps=2"});
  std::string log = file_bytes(out / "metrics.jsonl");
  log.insert(log.find('\n') + 1, "{\"split\": \"train\", \"st\n");
  std::ofstream(out / "metrics.jsonl", std::ios::trunc) << log;
  CHECK_THROWS_WITH(run(config_yaml("fg_classes", out), {"train.max_steps=3"}, "auto"),
                    Contains((out / "metrics.jsonl").string() + " line 2 is not a metrics row"));
  CHECK(file_bytes(out / "metrics.jsonl") == log);
}

TEST_CASE("a cosine schedule with warm-up sets each step's learning rate, and the log records it", "[trainer]") {
  const fs::path out = scratch() / "cosine";
  // 12 videos in batches of 4, 2 epochs: 6 steps, the cosine's length.
  run(config_yaml("fg_classes", out), {"schedule.name=cosine", "schedule.warmup_steps=2", "optimizer.lr=0.01",
                                       "schedule.min_lr=0.001", "train.eval_every_steps=100"});
  std::vector<double> logged;
  for (const auto& line : jsonl(out / "metrics.jsonl"))
    if (line.at("split") == "train") logged.push_back(line.at("lr"));
  REQUIRE(logged.size() == 6);
  const double pi = std::acos(-1.0);
  for (int k = 0; k < 6; ++k) {
    INFO("step " << k);  // 0-based: the line of step k + 1
    const double warmup = std::min(1.0, (k + 1) / 2.0);
    CHECK_THAT(logged[static_cast<size_t>(k)],
               Catch::Matchers::WithinRel(warmup * (0.001 + 0.009 * 0.5 * (1 + std::cos(pi * k / 6))), 1e-12));
  }
}

TEST_CASE("one trainer per run folder", "[trainer]") {
  const fs::path out = scratch() / "locked";
  fs::create_directories(out);
  RunLock held(out);
  CHECK_THROWS_WITH(run(config_yaml("fg_classes", out), {"train.max_steps=1"}),
                    Contains("in use by another trainer") && Contains(std::to_string(::getpid())));
}

TEST_CASE("a bad validation video is left out and counted, never scored as another", "[trainer][eval]") {
  const fs::path data = scratch() / "synth-bad";
  fs::copy(dataset(), data, fs::copy_options::recursive);
  const nlohmann::json validation = nlohmann::json::parse(file_bytes(data / "validation.json"));
  const std::string bad_id = validation.at(1).at("id");
  fs::path bad_video;
  for (const auto& e : fs::directory_iterator(data / "videos"))
    if (e.path().stem() == bad_id) bad_video = e.path();
  REQUIRE(!bad_video.empty());
  fs::resize_file(bad_video, 64);
  const fs::path out = scratch() / "bad-eval";
  std::string yaml = config_yaml("fg_classes", out);
  yaml.replace(yaml.find(dataset().string()), dataset().string().size(), data.string());
  const RunSummary s = run(yaml, {"train.max_steps=3", "dataset.max_bad_fraction=0.5"});
  const auto predictions = jsonl(out / "predictions-validation.jsonl");
  std::set<std::string> ids;
  for (const auto& p : predictions) ids.insert(p.at("id").get<std::string>());
  CHECK(predictions.size() == 3);
  CHECK(ids.size() == 3);
  CHECK_FALSE(ids.count(bad_id));
  CHECK(s.eval_videos == 3);
  const nlohmann::json summary = nlohmann::json::parse(file_bytes(out / "summary.json"));
  CHECK(summary.at("eval_split_videos") == 4);
  REQUIRE(summary.at("left_out_videos").size() == 1);
  CHECK_THAT(summary.at("left_out_videos").at(0).get<std::string>(), Contains(bad_id));
  CHECK_FALSE(has_tmp_file(out));
}

TEST_CASE("exit statuses tell a stopped run from a finished one", "[trainer]") {
  RunSummary s;
  CHECK(exit_status(s) == 0);
  s.reason = StopReason::kSignal;
  s.stop_signal = SIGINT;
  CHECK(exit_status(s) == 130);
  s.stop_signal = SIGTERM;
  CHECK(exit_status(s) == 143);
  s.reason = StopReason::kNonFinite;
  CHECK(exit_status(s) == 1);
}

TEST_CASE("SIGINT stops the trainer with status 130 and a resume command, and --resume auto --out RUN continues it",
          "[trainer][signal]") {
  const fs::path out = scratch() / "signal";
  const fs::path config = scratch() / "signal.yaml";
  std::ofstream(config) << config_yaml("fg_classes", out, "") ;
  auto start = [&](std::vector<std::string> args) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<char*> argv{const_cast<char*>(GRAIN_TRAINER_BINARY)};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::freopen("/dev/null", "w", stderr);
      ::execv(GRAIN_TRAINER_BINARY, argv.data());
      ::_exit(127);
    }
    return pid;
  };
  auto wait_status = [](pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  };
  const pid_t pid = start({"--config", config.string(), "--set", "train.max_steps=100000"});
  // Wait for the first logged step, then interrupt.
  for (int i = 0; i < 600 && !(fs::exists(out / "metrics.jsonl") && fs::file_size(out / "metrics.jsonl") > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(pid, SIGINT);
  CHECK(wait_status(pid) == 130);
  const nlohmann::json summary = nlohmann::json::parse(file_bytes(out / "summary.json"));
  CHECK(summary.at("stop_reason") == "signal");
  CHECK(summary.at("stop_signal") == SIGINT);
  const int64_t stopped_at = summary.at("steps");
  REQUIRE(fs::exists(out / ("ckpt-" + std::to_string(stopped_at))));
  // The run's own config.yaml, no --config: continues to the new budget.
  const pid_t again = start({"--resume", "auto", "--out", out.string(), "--set",
                             "train.max_steps=" + std::to_string(stopped_at + 1)});
  CHECK(wait_status(again) == 0);
  CHECK(nlohmann::json::parse(file_bytes(out / "summary.json")).at("steps") == stopped_at + 1);
}

// When a model has not learned: the reports of each validation, the
// diagnosis and the per-class results (docs/trainer.md).

TEST_CASE("a run built to collapse warns, naming the symptom and pointing to docs/trainer.md", "[trainer][report]") {
  // lr 1e-12: the weights stay at their initial values, whose classifier
  // gives every validation video the same action group (checked below from
  // the predictions, independently of the diagnosis).
  const fs::path out = scratch() / "collapse";
  run(config_yaml("cg_classes", out), {"optimizer.lr=1e-12"});
  std::map<int, int> predicted;
  for (const auto& p : jsonl(out / "predictions-validation.jsonl")) ++predicted[p.at("class").get<int>()];
  REQUIRE(predicted.size() == 1);
  const nlohmann::json summary = nlohmann::json::parse(file_bytes(out / "summary.json"));
  const nlohmann::json& diagnosis = summary.at("diagnosis");
  REQUIRE(diagnosis.is_array());
  REQUIRE(!diagnosis.empty());
  CHECK(diagnosis.at(0).at("kind") == "collapse");
  const std::string message = diagnosis.at(0).at("message");
  CHECK_THAT(message, Contains("collapse: 4 of 4 validation videos get the action group '") &&
                          Contains("docs/trainer.md, 'When a model has not learned'"));
  // Printed at both epoch-end validations (the second is the final evaluation).
  CHECK(summary.at("warnings").size() >= 2);
  CHECK(summary.at("metrics").at("most_common_class_share") == 1.0);
}

TEST_CASE("a healthy tiny run does not warn", "[trainer][report]") {
  // 20 epochs on the 12 training videos, validated on them: the model learns
  // them (loss well below ln 10), so there is no collapse and no loss at its
  // chance value. lr 0.001: at 0.003 the run oscillated, and a change of
  // rounding alone (the direct convolutions) made it end collapsed after
  // reaching 75%; 0.001 passes with every convolution path and instruction
  // set (GRAIN_CPU_CONV=gemm, GRAIN_CPU_ISA=generic|avx2|avx512).
  const fs::path out = scratch() / "healthy";
  run(config_yaml("cg_classes", out), {"optimizer.lr=0.001", "train.epochs=20", "dataset.eval_split=train"});
  const nlohmann::json summary = nlohmann::json::parse(file_bytes(out / "summary.json"));
  INFO(summary.dump(1));
  REQUIRE(summary.at("diagnosis").is_array());
  CHECK(summary.at("diagnosis").empty());
  CHECK(summary.at("metrics").at("classification_loss").get<double>() < 0.9 * std::log(10.0));
  CHECK(summary.at("metrics").at("most_common_class_share").get<double>() <= 0.5);
}

TEST_CASE("summary.json and metrics.jsonl carry the spread, the baselines, the losses and the per-class results",
          "[trainer][report]") {
  const fs::path out = scratch() / "report-fields";
  // score_padding: every one of the 14 caption positions is scored, so the
  // caption loss per token is the per-video caption loss over 14 exactly.
  run(config_yaml("fg_captions", out), {"train.max_steps=3", "loss.score_padding=true"});
  const nlohmann::json summary = nlohmann::json::parse(file_bytes(out / "summary.json"));
  const nlohmann::json& m = summary.at("metrics");
  for (const char* key : {"distinct_class_share", "distinct_caption_share", "most_common_class_share",
                          "most_common_caption_share", "majority_top1", "template_bleu_4", "template_meteor",
                          "classification_loss", "caption_loss", "caption_loss_per_token"})
    CHECK(m.contains(key));
  CHECK(m.at("caption_loss_per_token").get<double>() ==
        Approx(m.at("caption_loss").get<double>() / 14).epsilon(1e-9));
  const int vocabulary = data::Vocabulary::load(out / "vocabulary.json").size();
  CHECK(summary.at("chance_losses").at("caption_loss_per_token").get<double>() == Approx(std::log(vocabulary)));
  CHECK(summary.at("chance_losses").at("classification_loss").get<double>() == Approx(std::log(34.0)));
  // The distinct shares, counted here from the predictions and the references.
  const nlohmann::json validation = nlohmann::json::parse(file_bytes(dataset() / "validation.json"));
  std::set<std::string> references, captions;
  for (const auto& v : validation) references.insert(v.at("label").get<std::string>());
  for (const auto& p : jsonl(out / "predictions-validation.jsonl")) captions.insert(p.at("caption").get<std::string>());
  CHECK(m.at("distinct_caption_share").get<double>() ==
        Approx(static_cast<double>(captions.size()) / static_cast<double>(references.size())));
  // Validation lines of metrics.jsonl have the same keys.
  bool seen = false;
  for (const auto& line : jsonl(out / "metrics.jsonl"))
    if (line.at("split") == "validation") seen = line.contains("distinct_caption_share") && line.contains("template_bleu_4");
  CHECK(seen);
  // Per-class results: one entry per category, videos adding up to the split.
  const nlohmann::json& per_class = summary.at("per_class");
  REQUIRE(per_class.size() == 34);
  int64_t videos = 0, correct = 0;
  for (const auto& c : per_class) videos += c.at("videos").get<int64_t>(), correct += c.at("correct").get<int64_t>();
  CHECK(videos == 4);
  CHECK(100.0 * static_cast<double>(correct) / 4 == Approx(m.at("top1").get<double>()));
  // The confusion matrix: 34 x 34, counts adding up to the split size, the diagonal = the correct ones.
  const nlohmann::json confusion = nlohmann::json::parse(file_bytes(out / "confusion-validation.json"));
  REQUIRE(confusion.at("matrix").size() == 34);
  int64_t total = 0, diagonal = 0;
  for (size_t t = 0; t < 34; ++t) {
    REQUIRE(confusion.at("matrix").at(t).size() == 34);
    for (size_t p = 0; p < 34; ++p) total += confusion.at("matrix").at(t).at(p).get<int64_t>();
    diagonal += confusion.at("matrix").at(t).at(t).get<int64_t>();
  }
  CHECK(total == 4);
  CHECK(diagonal == correct);
  // Rebuilt here from labels.json, validation.json and the predictions: each
  // video adds one to the cell (its category, its predicted class).
  const nlohmann::json labels = nlohmann::json::parse(file_bytes(dataset() / "labels.json"));
  std::map<std::string, int> predicted_of;
  for (const auto& p : jsonl(out / "predictions-validation.jsonl")) predicted_of[p.at("id")] = p.at("class");
  std::vector<std::vector<int64_t>> expected(34, std::vector<int64_t>(34, 0));
  for (const auto& v : validation) {
    std::string name = v.at("template");
    std::erase_if(name, [](char ch) { return ch == '[' || ch == ']'; });
    const int truth = std::stoi(labels.at(name).get<std::string>());
    ++expected[static_cast<size_t>(truth)][static_cast<size_t>(predicted_of.at(v.at("id")))];
  }
  CHECK(confusion.at("matrix").get<std::vector<std::vector<int64_t>>>() == expected);
  CHECK(summary.at("confusion_matrix").at("svg") == "confusion-validation.svg");
  const std::string svg = file_bytes(out / "confusion-validation.svg");
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK_THAT(svg, Contains("</svg>"));
}

TEST_CASE("an empty validation split is announced at the start, and the last line names only files that exist",
          "[trainer]") {
  const fs::path data = dataset_without_validation();
  const fs::path out = scratch() / "no-validation", config = scratch() / "no-validation.yaml";
  std::string yaml = config_yaml("fg_classes", out);
  yaml.replace(yaml.find(dataset().string()), dataset().string().size(), data.string());
  std::ofstream(config) << yaml;
  const fs::path log = scratch() / "no-validation.log";
  const std::string command = std::string(GRAIN_TRAINER_BINARY) + " --config " + config.string() +
                              " --set train.max_steps=1 2> " + log.string();
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string text = file_bytes(log);
  CHECK_THAT(text, Contains("no validation: split validation"));
  std::string last;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) last = line;
  CHECK_THAT(last, Contains("summary.json") && Contains("metrics.jsonl"));
  CHECK_THAT(last, !Contains("predictions") && !Contains("best.json") && !Contains("confusion"));
  CHECK_FALSE(fs::exists(out / "predictions-validation.jsonl"));
}

TEST_CASE("a skipped step's batch-norm statistics are put back bit for bit", "[trainer]") {
  // The mechanism TrainingRun::step uses on a non-finite step (the run-level
  // test above cannot see it: at lr 1e30 every evaluation saturates).
  ModelConfig c = model_preset("tiny");
  c.frames = 4;
  c.num_classes = 3;
  ParameterStore store;
  VideoModel model(store, c);
  store.materialize();
  model.reset_parameters(1);
  auto buffers = [&] {
    std::vector<double> all;
    for (const auto& p : store.parameters())
      if (p->buffer) for (double v : p->value.to_vector()) all.push_back(v);
    return all;
  };
  const std::vector<double> before = buffers();
  const std::vector<Tensor> saved = copy_buffers(store);
  NoGradGuard no_grad;
  model.forward(Tensor::uniform({2, 4, 56, 56, 3}, 0, 1, 5), Tensor(), {true, 1});
  REQUIRE(buffers() != before);  // a training forward moves the running statistics
  restore_buffers(store, saved);
  CHECK(buffers() == before);
}
