// The encoder half of the transfer protocol on generated data: feature
// extraction and its cache (encodings only, labels read fresh, keyed by the
// videos' files, a damaged file recomputed), the transfer JSON (the same
// draws for every source), the refusal of a checkpoint with another
// preprocessing (library and tool), the bounds of the options and the check
// of the target (transfer and reproduce), and the trainer's
// model.init_from / model.freeze.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <string>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "data/common/file_io.h"
#include "data/formats/safetensors.h"
#include "engine/error.h"
#include "tests/experiments/experiment_fixtures.h"
#include "experiments/reproduce.h"
#include "experiments/transfer.h"
#include "train/checkpointing.h"
#include "train/compute_threads.h"

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

// A copy of the tiny kitchen target, to change.
fs::path kitchen_copy(const std::string& name) {
  const fs::path d = experiment_scratch() / name;
  fs::remove_all(d);
  fs::copy(tiny_kitchen(), d, fs::copy_options::recursive);
  return d;
}

void edit_train_json(const fs::path& target, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json videos = nlohmann::json::parse(data::read_text_file(target / "train.json"));
  edit(videos);
  data::write_file_atomic(target / "train.json", videos.dump());
}

// Every video takes the labels of the video three places on: a relabelling
// that keeps each class's count (3) and every video's files.
void relabel(const fs::path& target) {
  edit_train_json(target, [](nlohmann::json& videos) {
    const nlohmann::json old = videos;
    for (size_t i = 0; i < videos.size(); ++i)
      for (const char* field : {"label", "template", "placeholders"})
        videos[i][field] = old[(i + 3) % old.size()][field];
  });
}

// Runs `command` with stderr on stdout; returns (exit status, output).
std::pair<int, std::string> run_command(const std::string& command) {
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe)) output += buffer;
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

// Rewrites the cache file with `damage` applied to its contents.
void damage_cache(const fs::path& cache, const std::function<void(formats::SafetensorsFile&)>& damage) {
  formats::SafetensorsFile file = formats::read_safetensors(cache);
  damage(file);
  formats::write_safetensors(cache, file);
}

formats::SafetensorsEntry& tensor_h(formats::SafetensorsFile& file) {
  for (auto& t : file.tensors)
    if (t.name == "h") return t;
  FAIL("the cache has no h");
  throw 0;
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

TEST_CASE("feature cache: the labels are read fresh on every run, never from the cache") {
  const fs::path target = kitchen_copy("kitchen-relabelled");
  TransferOptions o = small_transfer(run_fg().string(), experiment_scratch() / "transfer-relabel");
  o.target = target;
  const TransferResult before = run_transfer(o);
  CHECK_FALSE(before.features_from_cache);

  relabel(target);
  const TransferResult cached = run_transfer(o);
  CHECK(cached.features_from_cache);  // the videos' files did not change: no re-encoding
  // The reference: the relabelled target encoded from nothing.
  TransferOptions fresh_options = o;
  fresh_options.out = experiment_scratch() / "transfer-relabel-fresh";
  const TransferResult fresh = run_transfer(fresh_options);
  CHECK_FALSE(fresh.features_from_cache);
  CHECK(cached.json["results"] == fresh.json["results"]);
  CHECK(cached.json["results"] != before.json["results"]);  // the draws follow the new classes

  // A broken train.json fails, naming it, whatever the cache holds.
  const std::string text = data::read_text_file(target / "train.json");
  data::write_file_atomic(target / "train.json", text.substr(0, text.size() / 2));
  CHECK_THROWS_WITH(run_transfer(o), Contains((target / "train.json").string()) && Contains("invalid JSON"));
}

TEST_CASE("feature cache: keyed by each video's file contents, not the target's name or the files' times") {
  const fs::path target = kitchen_copy("kitchen-edited");
  const fs::path cache = experiment_scratch() / "cache-edited" / "features.safetensors";
  const EncoderSource fg = resolve_encoder_source(run_fg().string(), "", 0);
  ExtractOptions o;
  o.threads = 1;
  const TargetFeatures first = target_features(fg, target, cache, o);
  REQUIRE(first.ids.size() == 39);
  REQUIRE(first.ids[0] == "1");
  REQUIRE(first.ids[1] == "2");  // train.json order

  // New times, same contents: still the cache.
  for (const auto& frame : fs::directory_iterator(target / "frames" / "1"))
    fs::last_write_time(frame.path(), fs::last_write_time(frame.path()) + std::chrono::hours(1));
  CHECK(target_features(fg, target, cache, o).from_cache);

  // Video 1's frames replaced by video 2's: recomputed, and video 1's
  // encoding is now video 2's (the same clip through the same encoder).
  fs::remove_all(target / "frames" / "1");
  fs::copy(target / "frames" / "2", target / "frames" / "1");
  const TargetFeatures edited = target_features(fg, target, cache, o);
  CHECK_FALSE(edited.from_cache);
  REQUIRE(edited.ids == first.ids);
  REQUIRE(edited.h.size() == first.h.size());
  CHECK(first.h != edited.h);
  for (int64_t j = 0; j < first.width; ++j) {
    CHECK(edited.h[static_cast<size_t>(j)] == Approx(first.h[static_cast<size_t>(first.width + j)]).margin(1e-6));
    CHECK(edited.h[static_cast<size_t>(first.width + j)] ==
          Approx(first.h[static_cast<size_t>(first.width + j)]).margin(1e-6));
  }
  for (size_t i = 2 * static_cast<size_t>(first.width); i < first.h.size(); ++i)
    CHECK(edited.h[i] == Approx(first.h[i]).margin(1e-6));
  CHECK(target_features(fg, target, cache, o).from_cache);

  // A video dropped from train.json: recomputed without it.
  edit_train_json(target, [](nlohmann::json& videos) { videos.erase(videos.begin()); });
  const TargetFeatures fewer = target_features(fg, target, cache, o);
  CHECK_FALSE(fewer.from_cache);
  CHECK(fewer.ids.size() == 38);
}

TEST_CASE("feature cache: a damaged file is recomputed, never trusted") {
  const fs::path out = experiment_scratch() / "cache-damaged";
  const fs::path cache = out / "features.safetensors";
  const EncoderSource fg = resolve_encoder_source(run_fg().string(), "", 0);
  ExtractOptions o;
  o.threads = 1;
  const TargetFeatures reference = target_features(fg, tiny_kitchen(), cache, o);
  REQUIRE(reference.width == 32);
  const size_t row_bytes = static_cast<size_t>(reference.width) * sizeof(float);

  const std::vector<std::pair<std::string, std::function<void(formats::SafetensorsFile&)>>> damages = {
      {"a NaN row",
       [&](formats::SafetensorsFile& f) {
         const float nan = std::numeric_limits<float>::quiet_NaN();
         for (size_t j = 0; j < static_cast<size_t>(reference.width); ++j)
           std::memcpy(&tensor_h(f).bytes[5 * row_bytes + j * sizeof(float)], &nan, sizeof(float));
       }},
      {"two rows swapped",
       [&](formats::SafetensorsFile& f) {
         std::string& b = tensor_h(f).bytes;
         std::swap_ranges(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(row_bytes),
                          b.begin() + static_cast<std::ptrdiff_t>(row_bytes));
       }},
      {"h cut to another width",
       [&](formats::SafetensorsFile& f) {
         formats::SafetensorsEntry& h = tensor_h(f);
         std::string narrow;
         for (size_t r = 0; r < h.shape[0]; ++r) narrow += h.bytes.substr(r * row_bytes, row_bytes / 2);
         h.bytes = narrow;
         h.shape[1] /= 2;
       }},
      {"the ids reordered",
       [&](formats::SafetensorsFile& f) {
         auto ids = nlohmann::json::parse(f.metadata.at("ids")).get<std::vector<std::string>>();
         std::reverse(ids.begin(), ids.end());
         f.metadata.at("ids") = nlohmann::json(ids).dump();
       }},
      {"the file truncated", nullptr},
      // Written consistently but wrongly (the checksum recomputed): the
      // checks of shape, ids and values still refuse it.
      {"a NaN value, checksum recomputed",
       [&](formats::SafetensorsFile& f) {
         const float nan = std::numeric_limits<float>::quiet_NaN();
         std::memcpy(&tensor_h(f).bytes[7 * sizeof(float)], &nan, sizeof(float));
         f.metadata.at("checksum") = feature_cache_checksum(f);
       }},
      {"h cut to another width, checksum recomputed",
       [&](formats::SafetensorsFile& f) {
         formats::SafetensorsEntry& h = tensor_h(f);
         std::string narrow;
         for (size_t r = 0; r < h.shape[0]; ++r) narrow += h.bytes.substr(r * row_bytes, row_bytes / 2);
         h.bytes = narrow;
         h.shape[1] /= 2;
         f.metadata.at("checksum") = feature_cache_checksum(f);
       }},
      {"an id twice, checksum recomputed",
       [&](formats::SafetensorsFile& f) {
         std::vector<std::string> ids = nlohmann::json::parse(f.metadata.at("ids")).get<std::vector<std::string>>();
         ids[1] = ids[0];
         f.metadata.at("ids") = nlohmann::json(ids).dump();
         f.metadata.at("checksum") = feature_cache_checksum(f);
       }},
  };
  for (const auto& [what, damage] : damages) {
    INFO(what);
    REQUIRE(target_features(fg, tiny_kitchen(), cache, o).from_cache);
    if (!damage) {
      const std::string bytes = data::read_text_file(cache);
      data::write_file_atomic(cache, bytes.substr(0, bytes.size() - 100));
    } else {
      damage_cache(cache, damage);
    }
    const TargetFeatures again = target_features(fg, tiny_kitchen(), cache, o);
    CHECK_FALSE(again.from_cache);
    CHECK(again.ids == reference.ids);
    CHECK(again.classes == reference.classes);
    CHECK(again.h == reference.h);
  }

  // The tool names the file and what was wrong, then recomputes (exit 0).
  const fs::path tool_out = experiment_scratch() / "transfer-tool-damaged";
  const std::string command = std::string(GRAIN_TRANSFER_BINARY) + " --checkpoint " + run_fg().string() +
                              " --target " + tiny_kitchen().string() + " --out " + tool_out.string() +
                              " --shots 1 --runs 2 --epochs 5 --threads 1 --device cpu";
  REQUIRE(run_command(command).first == 0);
  const std::string before = data::read_text_file(tool_out / "transfer.json");
  damage_cache(tool_out / "features.safetensors", [&](formats::SafetensorsFile& f) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(&tensor_h(f).bytes[0], &nan, sizeof(float));
  });
  const auto [status, output] = run_command(command);
  CHECK(status == 0);
  CHECK_THAT(output, Contains("feature cache " + (tool_out / "features.safetensors").string() + ": damaged") &&
                         Contains("recomputing"));
  CHECK_THAT(output, !Contains("encodings from the cache"));
  CHECK(data::read_text_file(tool_out / "transfer.json") == before);
}

TEST_CASE("transfer options: bounds named by their flag (library and tool)") {
  const TransferOptions good = small_transfer(run_fg().string(), experiment_scratch() / "transfer-options");
  CHECK_NOTHROW(check_transfer_options(good));
  auto with = [&](const std::function<void(TransferOptions&)>& change) {
    TransferOptions o = good;
    change(o);
    return o;
  };
  // The edges are accepted.
  CHECK_NOTHROW(check_transfer_options(with([](TransferOptions& o) {
    o.runs = kMaxTransferRuns;
    o.probe.epochs = kMaxProbeEpochs;
    o.probe.lr = kMaxProbeLr;
    o.shots = {kMaxShots, 1};
    o.extract.threads = static_cast<int>(kMaxComputeThreads);
  })));
  const std::vector<std::pair<std::string, std::function<void(TransferOptions&)>>> bad = {
      {"--runs", [](TransferOptions& o) { o.runs = kMaxTransferRuns + 1; }},
      {"--runs", [](TransferOptions& o) { o.runs = 1; }},
      {"--shots", [](TransferOptions& o) { o.shots = {1, 1}; }},
      {"--shots", [](TransferOptions& o) { o.shots = {}; }},
      {"--shots", [](TransferOptions& o) { o.shots = {kMaxShots + 1}; }},
      {"--epochs", [](TransferOptions& o) { o.probe.epochs = kMaxProbeEpochs + 1; }},
      {"--lr", [](TransferOptions& o) { o.probe.lr = std::numeric_limits<double>::infinity(); }},
      {"--lr", [](TransferOptions& o) { o.probe.lr = std::nan(""); }},
      {"--lr", [](TransferOptions& o) { o.probe.lr = 0; }},
      {"--lr", [](TransferOptions& o) { o.probe.lr = kMaxProbeLr * 2; }},
      {"--threads", [](TransferOptions& o) { o.extract.threads = static_cast<int>(kMaxComputeThreads) + 1; }},
      {"--threads", [](TransferOptions& o) { o.extract.threads = -1; }},
      {"--device", [](TransferOptions& o) { o.extract.device = "tpu"; }},
  };
  for (const auto& [flag, change] : bad) {
    INFO(flag);
    CHECK_THROWS_WITH(check_transfer_options(with(change)), Contains(flag));
    CHECK_THROWS_WITH(run_transfer(with(change)), Contains(flag));  // the library checks too
  }
  const fs::path folder = experiment_scratch() / "a-folder";
  fs::create_directories(folder);
  CHECK_NOTHROW(check_transfer_options(good, folder / "result.json"));
  CHECK_NOTHROW(check_transfer_options(good, "result.json"));  // the working folder
  CHECK_THROWS_WITH(check_transfer_options(good, folder), Contains("--json") && Contains("is a folder"));
  CHECK_THROWS_WITH(check_transfer_options(good, folder / "missing" / "result.json"),
                    Contains("--json") && Contains("does not exist"));

  // One bound of compute threads, the trainer's too.
  CHECK(kMaxComputeThreads == 1024);
  CHECK_NOTHROW(check_thread_count("--threads", 1024));
  CHECK_THROWS_WITH(check_thread_count("--threads", 1025), Contains("--threads 1025") && Contains("1024"));
  const std::string yaml = tiny_run_yaml("fg_classes", experiment_scratch() / "unused-run");
  CHECK_NOTHROW(trainer_schema().parse(yaml, "test.yaml", {"train.threads=1024"}));
  CHECK_THROWS_WITH(trainer_schema().parse(yaml, "test.yaml", {"train.threads=1025"}), Contains("train.threads"));

  // The tool: status 2 and the flag named, before anything runs. With a
  // real checkpoint and a fresh --out for the thread counts (65,536 crashed
  // libgomp when the extraction started), without one for the rest (which
  // ran, or ran for ever, before the bounds).
  const fs::path out = experiment_scratch() / "transfer-tool-bounds";
  fs::create_directories(experiment_scratch() / "json-folder");
  const std::string real = std::string(GRAIN_TRANSFER_BINARY) + " --checkpoint " + run_fg().string() + " --target " +
                           tiny_kitchen().string() + " --shots 1 --runs 2 --epochs 5 --device cpu --out " +
                           out.string();
  const std::string none = std::string(GRAIN_TRANSFER_BINARY) + " --checkpoint no-such-run --target no-such-target";
  for (const auto& [command, flag] : std::vector<std::pair<std::string, std::string>>{
           {real + " --threads 65536", "--threads 65536"},
           {real + " --threads 100000", "--threads 100000"},
           {none + " --lr inf", "--lr inf"},
           {none + " --shots 1,1", "--shots"},
           {none + " --runs 4000000000", "--runs 4000000000"},
           {none + " --epochs 1e9", "--epochs 1e9"},  // not an integer: refused by the flag parser
           {none + " --epochs 1000000000", "--epochs 1000000000"},
           {none + " --json " + (experiment_scratch() / "json-folder").string(), "--json"},
           {none + " --json " + (experiment_scratch() / "no-folder" / "x.json").string(), "--json"}}) {
    INFO(command);
    fs::remove_all(out);
    const auto [status, output] = run_command(command);
    CHECK(status == 2);
    CHECK_THAT(output, Contains(flag));
    CHECK_FALSE(fs::exists(out / "features.safetensors"));
  }
}

TEST_CASE("the target is checked for the shots before any work: transfer and reproduce") {
  CHECK_NOTHROW(check_transfer_target(tiny_kitchen(), {1, 2}));  // 3 videos of every class
  CHECK_THROWS_WITH(check_transfer_target(tiny_kitchen(), {1, 3}),
                    Contains("has 3 videos in train.json") && Contains("needs at least 4"));
  CHECK_THROWS_WITH(check_transfer_target(experiment_scratch() / "no-such-target", {1}), Contains("no-such-target"));

  // A class with no video in train.json, named by its name.
  const fs::path target = kitchen_copy("kitchen-class-missing");
  std::string missing;
  edit_train_json(target, [&](nlohmann::json& videos) {
    missing = videos.back()["template"].get<std::string>();
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& v : videos)
      if (v["template"] != missing) kept.push_back(v);
    videos = kept;
  });
  const nlohmann::json labels = nlohmann::json::parse(data::read_text_file(target / "labels.json"));
  std::string missing_name;  // labels.json names the category without the brackets of train.json's template
  for (const auto& [name, index] : labels.items()) {
    std::string bare = missing;
    for (const char* bracket : {"[", "]"})
      for (size_t at; (at = bare.find(bracket)) != std::string::npos;) bare.erase(at, 1);
    if (name == bare) missing_name = name;
  }
  REQUIRE(!missing_name.empty());
  const std::string message = "class \"" + missing_name + "\" has 0 videos in train.json";
  CHECK_THROWS_WITH(check_transfer_target(target, {1, 2}), Contains(message));
  TransferOptions o = small_transfer(run_fg().string(), experiment_scratch() / "transfer-class-missing");
  o.target = target;
  CHECK_THROWS_WITH(run_transfer(o), Contains(message) && Contains(target.string()));
  CHECK_FALSE(fs::exists(o.out / "features.safetensors"));  // refused before the extraction

  // reproduce refuses it before its first training stage.
  ReproduceOptions r;
  r.preset = "smoke";
  r.out = experiment_scratch() / "reproduce-small-target";
  r.source_data = tiny_source_data();
  r.target_data = target;
  r.device = "cpu";
  r.threads = 1;
  r.quiet = true;
  r.only = "train";
  CHECK_THROWS_WITH(run_reproduce(r), Contains(message));
  CHECK_FALSE(fs::exists(r.out / "runs"));
}
