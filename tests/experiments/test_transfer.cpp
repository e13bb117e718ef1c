// The encoder half of the transfer protocol on generated data: feature
// extraction and its cache, the transfer JSON (the same draws for every
// source), the refusal of a checkpoint with another preprocessing (library
// and tool), and the trainer's model.init_from / model.freeze.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "data/common/file_io.h"
#include "data/formats/safetensors.h"
#include "engine/error.h"
#include "tests/experiments/experiment_fixtures.h"
#include "experiments/transfer.h"
#include "train/checkpointing.h"

using namespace grain;
using namespace grain::testing;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

// Source runs trained once: fine-grained classes at 4 frames, action groups
// at 4 frames, and fine-grained classes at 6 frames (another preprocessing).
const fs::path& run_fg() {
  static const fs::path dir = [] {
    const fs::path d = experiment_scratch() / "run-fg";
    train_tiny_run(tiny_run_yaml("fg_classes", d));
    return d;
  }();
  return dir;
}
const fs::path& run_cg() {
  static const fs::path dir = [] {
    const fs::path d = experiment_scratch() / "run-cg";
    train_tiny_run(tiny_run_yaml("cg_classes", d));
    return d;
  }();
  return dir;
}
const fs::path& run_fg_6_frames() {
  static const fs::path dir = [] {
    const fs::path d = experiment_scratch() / "run-fg-6";
    train_tiny_run(tiny_run_yaml("fg_classes", d, 6), {"train.max_steps=1"});
    return d;
  }();
  return dir;
}

TransferOptions small_transfer(const std::string& checkpoint, const fs::path& out) {
  TransferOptions o;
  o.checkpoint = checkpoint;
  o.architecture = run_fg();
  o.target = tiny_kitchen();
  o.shots = {1, 2};
  o.runs = 3;
  o.probe.epochs = 20;
  o.extract.threads = 1;
  o.out = out;
  return o;
}

// Every trainable parameter of a checkpoint under `prefix` (batch-norm running statistics left out).
std::map<std::string, std::string> weights(const fs::path& run_or_checkpoint, const std::string& prefix) {
  const formats::SafetensorsFile f =
      formats::read_safetensors(evaluation_checkpoint(run_or_checkpoint) / "model.safetensors");
  std::map<std::string, std::string> w;
  for (const auto& t : f.tensors)
    if (t.name.rfind(prefix, 0) == 0 && t.name.find("running_") == std::string::npos &&
        t.name.find("num_batches") == std::string::npos)
      w[t.name] = t.bytes;
  return w;
}

}  // namespace

TEST_CASE("feature cache: reused for the same checkpoint, recomputed for another") {
  const fs::path cache = experiment_scratch() / "cache-test" / "features.safetensors";
  const EncoderSource fg = resolve_encoder_source(run_fg().string(), "", 0);
  const EncoderSource cg = resolve_encoder_source(run_cg().string(), "", 0);
  CHECK(fg.sha256 != cg.sha256);
  CHECK(fg.sha256.size() == 64);
  ExtractOptions o;
  o.threads = 1;
  const TargetFeatures first = target_features(fg, tiny_kitchen(), cache, o);
  CHECK_FALSE(first.from_cache);
  CHECK(first.ids.size() == 39);
  CHECK(first.class_names.size() == 13);
  CHECK(first.width == 32);  // 2 x lstm_hidden 16
  CHECK(first.h.size() == 39 * 32);
  CHECK(std::set<int>(first.classes.begin(), first.classes.end()).size() == 13);

  const TargetFeatures again = target_features(fg, tiny_kitchen(), cache, o);
  CHECK(again.from_cache);
  CHECK(again.h == first.h);
  CHECK(again.ids == first.ids);
  CHECK(again.classes == first.classes);

  const TargetFeatures other = target_features(cg, tiny_kitchen(), cache, o);
  CHECK_FALSE(other.from_cache);
  CHECK(other.h != first.h);
  CHECK(formats::read_safetensors(cache).metadata.at("checkpoint_sha256") == cg.sha256);

  // The random encoder: seeded, its own hash, never the trained encoder's cache.
  const EncoderSource random0 = resolve_encoder_source("random", run_fg(), 0);
  const EncoderSource random1 = resolve_encoder_source("random", run_fg(), 1);
  CHECK(random0.sha256 != random1.sha256);
  const TargetFeatures r = target_features(random0, tiny_kitchen(), cache, o);
  CHECK_FALSE(r.from_cache);
  CHECK(r.h != first.h);
  CHECK(target_features(random0, tiny_kitchen(), cache, o).h == r.h);
  CHECK_FALSE(target_features(fg, tiny_kitchen(), cache, o).from_cache);  // replaced by random's
}

TEST_CASE("transfer: the JSON, and the same k-shot draws for every source") {
  const TransferResult fg = run_transfer(small_transfer(run_fg().string(), experiment_scratch() / "transfer-fg"));
  const TransferResult random =
      run_transfer(small_transfer("random", experiment_scratch() / "transfer-random"));
  const nlohmann::json& j = fg.json;
  CHECK(j["checkpoint"].get<std::string>() == evaluation_checkpoint(run_fg()).string());
  CHECK(j["checkpoint_sha256"].get<std::string>().size() == 64);
  CHECK(j["chance"].get<double>() == Approx(100.0 / 13));
  CHECK(random.json["checkpoint"] == "random");
  REQUIRE(j["results"].size() == 2);
  for (size_t s = 0; s < 2; ++s) {
    const nlohmann::json& entry = j["results"][s];
    const int64_t k = entry["shots"].get<int64_t>();
    CHECK(k == static_cast<int64_t>(s + 1));
    REQUIRE(entry["runs"].size() == 3);
    std::vector<double> accuracies;
    for (size_t r = 0; r < 3; ++r) {
      const nlohmann::json& run = entry["runs"][r];
      CHECK(run["seed"].get<int64_t>() == static_cast<int64_t>(r));
      CHECK(run["train_ids"].size() == static_cast<size_t>(13 * k));
      CHECK(run["train_ids"] == random.json["results"][s]["runs"][r]["train_ids"]);
      const double a = run["accuracy"].get<double>();
      CHECK(a >= 0);
      CHECK(a <= 100);
      accuracies.push_back(a);
    }
    const MeanCi m = mean_ci95(accuracies);
    CHECK(entry["mean"].get<double>() == Approx(m.mean));
    CHECK(entry["ci95"].get<double>() == Approx(m.ci95));
  }
  CHECK(j["results"][0]["runs"][0]["train_ids"] != j["results"][0]["runs"][1]["train_ids"]);
  // A rerun reads the cache and gives the same bytes.
  const TransferResult rerun = run_transfer(small_transfer(run_fg().string(), experiment_scratch() / "transfer-fg"));
  CHECK(rerun.features_from_cache);
  CHECK(rerun.json.dump() == j.dump());
}

TEST_CASE("transfer refuses a checkpoint whose preprocessing differs from the target's") {
  const fs::path out = experiment_scratch() / "transfer-mismatch";
  run_transfer(small_transfer(run_fg().string(), out));  // pins 4 frames
  CHECK_THROWS_WITH(run_transfer(small_transfer(run_fg_6_frames().string(), out)),
                    Contains("6 frames") && Contains("4 frames") && Contains("does not fit the target"));
  // A target that declares its own preprocessing refuses it too, whatever --out.
  const fs::path declared_target = experiment_scratch() / "kitchen-declared";
  fs::copy(tiny_kitchen(), declared_target, fs::copy_options::recursive);
  {
    std::FILE* f = std::fopen((declared_target / "preprocessing.json").c_str(), "w");
    std::fputs(R"({"preset": "tiny", "frames": 8, "resize": 64, "crop": 56, "fps": 12, "pixel_scale": 64})", f);
    std::fclose(f);
  }
  TransferOptions o = small_transfer(run_fg().string(), experiment_scratch() / "transfer-declared");
  o.target = declared_target;
  CHECK_THROWS_WITH(run_transfer(o), Contains("4 frames") && Contains("8 frames"));

  // The tool: exit status 1 and the message on stderr.
  const std::string command = std::string(GRAIN_TRANSFER_BINARY) + " --checkpoint " + run_fg_6_frames().string() +
                              " --target " + tiny_kitchen().string() + " --out " + out.string() +
                              " --runs 2 --shots 1 --threads 1 --device cpu 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe)) output += buffer;
  const int status = ::pclose(pipe);
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(output, Contains("transfer: error") && Contains("6 frames") && Contains("4 frames"));
}

TEST_CASE("the transfer tool: table on stdout, transfer.json and --json, exit status 0") {
  const fs::path out = experiment_scratch() / "transfer-tool";
  const fs::path json_file = experiment_scratch() / "transfer-tool.json";
  const std::string command = std::string(GRAIN_TRANSFER_BINARY) + " --checkpoint " + run_fg().string() +
                              " --target " + tiny_kitchen().string() + " --out " + out.string() + " --json " +
                              json_file.string() + " --shots 1,2 --runs 2 --epochs 10 --threads 1 --device cpu 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe)) output += buffer;
  CHECK(WEXITSTATUS(::pclose(pipe)) == 0);
  CHECK_THAT(output, Contains("13 classes, 39 videos") && Contains("shots  accuracy (%)") && Contains("7.69"));
  const nlohmann::json j = nlohmann::json::parse(data::read_text_file(json_file));
  CHECK(j["results"].size() == 2);
  CHECK(j["results"][1]["runs"].size() == 2);
  CHECK(j["probe"]["epochs"] == 10);
  CHECK(data::read_text_file(out / "transfer.json") == data::read_text_file(json_file));
  // Bad command lines: status 2.
  for (const std::string bad : {" --shots 0", " --runs 1", " --device tpu", " --frobnicate"}) {
    const std::string c = std::string(GRAIN_TRANSFER_BINARY) + " --checkpoint x --target y" + bad + " 2>/dev/null";
    CHECK(WEXITSTATUS(std::system(c.c_str())) == 2);
  }
}

TEST_CASE("trainer: model.init_from loads the encoder only, model.freeze keeps it") {
  const fs::path frozen = experiment_scratch() / "run-init-frozen";
  const fs::path tuned = experiment_scratch() / "run-init-tuned";
  // Another task (action groups: another classifier shape) from the fine-grained run's encoder.
  const std::string init = "  init_from: " + run_fg().string() + "\n";
  train_tiny_run(tiny_run_yaml("cg_classes", frozen, 4, init + "  freeze: encoder\n"), {"train.max_steps=2"});
  train_tiny_run(tiny_run_yaml("cg_classes", tuned, 4, init), {"train.max_steps=2"});
  const auto source = weights(run_fg(), "encoder.");
  REQUIRE(!source.empty());
  CHECK(weights(frozen, "encoder.") == source);
  CHECK(weights(tuned, "encoder.") != source);
  // Frozen or not, the heads trained: they differ from a fresh run's seeded
  // heads only through training, and they are the group classifier's.
  CHECK(weights(frozen, "classifier.") != weights(run_cg(), "classifier."));
  const fs::path missing = experiment_scratch() / "no-such-run";
  CHECK_THROWS_WITH(train_tiny_run(tiny_run_yaml("cg_classes", experiment_scratch() / "run-bad-init", 4,
                                                 "  init_from: " + missing.string() + "\n")),
                    Contains(missing.string()));
}
