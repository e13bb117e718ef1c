// Config validation: unknown keys, duplicated keys and sections, wrong types,
// bad choices, out-of-range numbers (from the file and from --set), missing
// files, too-small or too-large models, required keys, sections that are not
// mappings, second documents and absurd nesting; choices parsed into enums
// and written back as the same names; the shipped configs all load, and
// their resolved form (the run folder's config.yaml) reads back to the same
// TrainerConfig.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "engine/device.h"
#include "engine/error.h"
#include "train/trainer_config.h"

using namespace grain;
using Catch::Matchers::Contains;

namespace {
TrainerConfig parse(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return read_trainer_config(trainer_schema().parse(yaml, "test.yaml", overrides), "test.yaml");
}
// The required keys (dataset.root as a flat key, so a test may add a
// dataset section); a section appended to it starts at line 3.
const std::string kMinimal = "task: fg_classes\ndataset.root: /data\n";
}  // namespace

TEST_CASE("a minimal config takes the documented defaults", "[trainer][config]") {
  const TrainerConfig c = parse(kMinimal);
  CHECK(c.labels.task == "fg_classes");
  CHECK(c.labels.classes == data::ClassView::kCategory);
  CHECK_FALSE(c.is_captioning());
  CHECK(c.model.preset == "tiny");
  CHECK(c.model.crop == 56);
  CHECK(c.loss.classification == 1.0);
  CHECK(c.loss.caption == 0.0);
  CHECK(c.out_dir == std::filesystem::path("runs/test"));
  const TrainerConfig captions = parse(kMinimal, {"task=fg_captions"});
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
  CHECK_THROWS_WITH(parse("task: captions\ndataset.root: /data\n"), Contains("test.yaml line 1: key 'task' must be one of"));
  CHECK_THROWS_WITH(parse(kMinimal, {"loss.score_padding=maybe"}), Contains("must be a boolean"));
  CHECK_THROWS_WITH(parse("dataset: [1]\n"),
                    Contains("section 'dataset' must be a mapping of its keys (e.g. dataset: {generate: none})"));
  CHECK_THROWS_WITH(parse("task: fg_classes\n"), Contains("key 'dataset.root' is required"));
  CHECK_THROWS_WITH(parse(kMinimal + "train: {batch_size: 4\n"), Contains("not valid YAML"));
}

TEST_CASE("a crop too small for the unpadded layers is rejected with the reason", "[trainer][config]") {
  CHECK_THROWS_WITH(parse(kMinimal + "model:\n  crop: 48\n"),
                    Contains("test.yaml") && Contains("model.crop 48 is too small") && Contains("at least 56"));
  CHECK_THROWS_WITH(parse(kMinimal, {"schedule.name=cosine", "schedule.min_lr=0.5"}),
                    Contains("key 'schedule.min_lr' is 0.5, above 'optimizer.lr'"));
  CHECK_NOTHROW(parse(kMinimal, {"schedule.name=plateau", "schedule.min_lr=0.5"}));  // a plateau's floor only
  CHECK_THROWS_WITH(parse(kMinimal, {"schedule.warmup_steps=-1"}), Contains("schedule.warmup_steps"));
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
  const DeviceType expected = gpu ? DeviceType::kCUDA : DeviceType::kCPU;
  CHECK(parse(kMinimal + "device: auto\n").device == expected);
  CHECK(parse(kMinimal, {"device=auto"}).device == expected);
  CHECK_THROWS_WITH(parse(kMinimal + "device: gpu\n"), Contains("device"));
}

TEST_CASE("a key or section given twice is an error naming both lines", "[trainer][config]") {
  // yaml-cpp keeps both entries and lookups see the first: 4 would have won silently.
  CHECK_THROWS_WITH(parse(kMinimal + "train:\n  epochs: 4\n  batch_size: 2\n  epochs: 5\n"),
                    Contains("test.yaml lines 4 and 6") && Contains("key 'train.epochs' is given twice"));
  CHECK_THROWS_WITH(parse(kMinimal + "train:\n  epochs: 4\noptimizer:\n  lr: 0.1\ntrain:\n  batch_size: 2\n"),
                    Contains("test.yaml lines 3 and 7") && Contains("section 'train' is given twice"));
  CHECK_THROWS_WITH(parse(kMinimal + "train:\n  epochs: 4\ntrain.epochs: 5\n"),
                    Contains("test.yaml lines 4 and 5") && Contains("key 'train.epochs' is given twice"));
  CHECK_THROWS_WITH(parse("dataset:\n  root: /a\n  root: /b\n"), Contains("lines 2 and 3"));
}

TEST_CASE("numbers outside their range are errors naming the key, the value, the range and the line",
          "[trainer][config]") {
  struct Case {
    std::string key, section, name, value, range;
  };
  const std::vector<Case> cases = {
      {"optimizer.beta1", "optimizer", "beta1", "1", "in [0, 1)"},
      {"optimizer.beta2", "optimizer", "beta2", "-0.1", "in [0, 1)"},
      {"optimizer.weight_decay", "optimizer", "weight_decay", "-1", ">= 0"},
      {"optimizer.clip_grad_norm", "optimizer", "clip_grad_norm", "-1", ">= 0"},
      {"optimizer.lr", "optimizer", "lr", "0", "> 0"},
      {"optimizer.lr", "optimizer", "lr", "-0.001", "> 0"},
      {"train.keep_checkpoints", "train", "keep_checkpoints", "0", ">= 1"},
      {"train.threads", "train", "threads", "100000", "in [0, 1024]"},
      {"train.threads", "train", "threads", "-1", "in [0, 1024]"},
      {"train.workers", "train", "workers", "65", "in [0, 64]"},
      {"model.frames", "model", "frames", "100000000", "in [1, 1024] or -1 (the preset's)"},
      {"model.frames", "model", "frames", "0", "in [1, 1024] or -1 (the preset's)"},
      {"model.resize", "model", "resize", "100000", "in [1, 1024] or -1 (the preset's)"},
      {"model.width_3d", "model", "width_3d", "-2", "in [0, 256] or -1 (the preset's)"},
      {"model.decoder_hidden", "model", "decoder_hidden", "1000000", "in [1, 4096] or -1 (the preset's)"},
      {"schedule.factor", "schedule", "factor", "1", "in (0, 1)"},
      {"eval.beam_width", "eval", "beam_width", "0", "in [1, 64]"},
      {"loss.caption", "loss", "caption", "-0.5", ">= 0 or -1 (the task's default)"},
      // Absurd values that loaded and failed later, far from the key (or never).
      {"dataset.fps", "dataset", "fps", "1e-300", "in [0.1, 240]"},
      {"dataset.fps", "dataset", "fps", "1000", "in [0.1, 240]"},
      {"dataset.frames_fps", "dataset", "frames_fps", "1e-300", "in [0.1, 240]"},
      {"dataset.pixel_scale", "dataset", "pixel_scale", "1e-300", "in [0.01, 10000]"},
      {"train.epochs", "train", "epochs", "1000000000000000000", "in [1, 1000000]"},
      {"schedule.threshold", "schedule", "threshold", "2", "in [0, 1)"},
  };
  for (const Case& c : cases) {
    INFO(c.key << " = " << c.value);
    // From the file: the line of the key (line 4: after task, dataset.root and the section header).
    CHECK_THROWS_WITH(parse(kMinimal + c.section + ":\n  " + c.name + ": " + c.value + "\n"),
                      Contains("test.yaml line 4: key '" + c.key + "' must be " + c.range + ", got " + c.value));
    // From --set: the flag, and not the file.
    const std::string flag = "--set " + c.key + "=" + c.value;
    CHECK_THROWS_WITH(parse(kMinimal, {c.key + "=" + c.value}),
                      Contains(flag + ": key '" + c.key + "' must be " + c.range) && !Contains("test.yaml"));
  }
  // Values on the edge of a range are accepted.
  const TrainerConfig edge = parse(kMinimal, {"optimizer.beta1=0", "optimizer.beta2=0.9999999", "train.threads=1024",
                                              "train.workers=0", "train.keep_checkpoints=1", "model.frames=1024",
                                              "dataset.fps=0.1", "dataset.frames_fps=240"});
  CHECK(edge.threads == 1024);
  CHECK(edge.model.frames == 1024);
  CHECK(edge.fps == 0.1);
  CHECK(edge.frames_fps == 240);
}

TEST_CASE("non-finite numbers are rejected", "[trainer][config]") {
  for (const std::string value : {"inf", "-inf", "nan", "NaN", "infinity"}) {
    INFO(value);
    CHECK_THROWS_WITH(parse(kMinimal + "optimizer:\n  lr: " + value + "\n"),
                      Contains("test.yaml line 4: key 'optimizer.lr' must be a finite number, got '" + value + "'"));
    CHECK_THROWS_WITH(parse(kMinimal, {"optimizer.lr=" + value}),
                      Contains("--set optimizer.lr=" + value + ": key 'optimizer.lr' must be a finite number"));
  }
  // The YAML spellings of infinity are not numbers at all.
  CHECK_THROWS_WITH(parse(kMinimal + "optimizer:\n  lr: .inf\n"), Contains("must be a number"));
}

TEST_CASE("every numeric key states its range, and --help-config shows it", "[trainer][config]") {
  // The schema is private data; describe() prints every key's line with its range.
  const std::string table = trainer_schema().describe();
  std::istringstream lines(table);
  std::string line;
  int numeric = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("    ", 0) == 0) continue;  // a description line
    const bool is_numeric = line.find("(an integer,") != std::string::npos || line.find("(a number,") != std::string::npos;
    if (!is_numeric) continue;
    ++numeric;
    std::string description;
    std::getline(lines, description);
    INFO(line << "\n" << description);
    CHECK(description.find("(allowed: ") != std::string::npos);
  }
  CHECK(numeric >= 50);
}

TEST_CASE("a model too large for memory is an error naming the keys, before any allocation", "[trainer][config]") {
  // Each size is within its bound, their product is not: 1024 frames x 256 channels x 1024^2 pixels.
  CHECK_THROWS_WITH(parse(kMinimal + "model:\n  frames: 1024\n  resize: 1024\n  crop: 1024\n  width_3d: 256\n"),
                    Contains("test.yaml line 4") && Contains("largest activation") &&
                        Contains(std::to_string(int64_t{1024} * 256 * 1024 * 1024) + " elements") &&
                        Contains("model.frames 1024"));
  // The paper preset is far below the bound.
  ModelConfig paper = model_preset("paper");
  CHECK(largest_clip_activation(paper) == 48 * 32 * 96 * 96);
  CHECK(largest_clip_activation(paper) * 64 < kMaxClipActivation);
  // A library caller building a ModelConfig by hand meets the same bounds.
  paper.frames = 100000000;
  CHECK_THROWS_WITH(validate_model_config(paper), Contains("model.frames 100000000 is too large (at most 1024)"));
}

TEST_CASE("errors spanning keys name where each value came from", "[trainer][config]") {
  CHECK_THROWS_WITH(parse(kMinimal, {"model.crop=48"}), Contains("--set model.crop=48: ") &&
                                                           Contains("model.crop 48 is too small") &&
                                                           !Contains("test.yaml"));
  CHECK_THROWS_WITH(parse(kMinimal + "model:\n  resize: 60\n", {"model.crop=64"}),
                    Contains("test.yaml line 4, --set model.crop=64: ") &&
                        Contains("model.crop 64 is larger than model.resize 60"));
  CHECK_THROWS_WITH(parse(kMinimal, {"dataset.fps=0"}),
                    Contains("--set dataset.fps=0: key 'dataset.fps' must be in [0.1, 240], got 0"));
  CHECK_THROWS_WITH(parse(kMinimal, {"loss.caption=0.5"}),
                    Contains("--set loss.caption=0.5, test.yaml line 1: key 'loss.caption' is 0.5"));
}

TEST_CASE("the resolved config of every shipped config reads back to the same TrainerConfig", "[trainer][config]") {
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(GRAIN_SOURCE_DIR) + "/configs")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    for (const std::vector<std::string>& overrides :
         {std::vector<std::string>{}, std::vector<std::string>{"model.preset=small", "task=fg_captions"}}) {
      const ConfigValues values = trainer_schema().load(entry.path(), overrides);
      const TrainerConfig config = read_trainer_config(values, entry.path());
      const std::string yaml = resolved_config_yaml(values, config);
      // Read back under another name, as the run folder's config.yaml.
      const ConfigValues again = trainer_schema().parse(yaml, "run/config.yaml", {});
      const TrainerConfig reread = read_trainer_config(again, "run/config.yaml");
      CHECK(reread == config);
      // Nothing is left for the preset or the task to fill in.
      for (const char* key : {"model.frames", "model.resize", "model.crop", "model.width_2d", "model.width_3d",
                              "model.lstm_hidden", "model.decoder_hidden"}) {
        INFO(key);
        CHECK(again.get_int(key) != -1);
      }
      CHECK(again.get_double("loss.classification") >= 0);
      CHECK(again.get_double("loss.caption") >= 0);
      CHECK(again.get_int("eval.batch_size") == config.eval_batch_size);
      CHECK(again.get_string("device") != "auto");
      CHECK(again.get_int("model.crop") == config.model.crop);
      // Idempotent: resolving the resolved config changes nothing.
      CHECK(resolved_config_yaml(again, reread) == yaml);
      ++checked;
    }
  }
  CHECK(checked >= 26);
}

TEST_CASE("an empty config, or one without the required keys, names them", "[trainer][config]") {
  // Before: an empty file trained fg_classes with every default (only dataset.root was asked for).
  for (const std::string empty : {"", "# only a comment\n", "\n\n", "{}\n"}) {
    INFO("'" << empty << "'");
    CHECK_THROWS_WITH(parse(empty), Contains("test.yaml: the config is empty; keys 'task' (one of cg_classes, "
                                             "fg_classes, so_captions, fg_captions) and 'dataset.root' are required"));
  }
  CHECK_THROWS_WITH(parse("dataset:\n  root: /data\n"),
                    Contains("test.yaml: key 'task' (one of cg_classes") && Contains(") is required") &&
                        !Contains("empty"));
  // An override gives a required key as well as the file does.
  CHECK(parse("dataset:\n  root: /data\n", {"task=cg_classes"}).task_name() == "cg_classes");
  CHECK_THROWS_WITH(parse(kMinimal, {"dataset.root="}),
                    Contains("--set dataset.root=: key 'dataset.root' must not be empty"));
  CHECK_THROWS_WITH(parse("task: fg_classes\ndataset:\n  root:\n"),
                    Contains("test.yaml line 3: key 'dataset.root' must not be empty"));
  // --help-config says so instead of showing a default.
  CHECK_THAT(trainer_schema().describe(), Contains("task (a string, required)"));
}

TEST_CASE("a section given as a list or a single value is an error naming the section", "[trainer][config]") {
  // Before: "unknown key 'train' (did you mean 'task'?)".
  CHECK_THROWS_WITH(parse(kMinimal + "train: [1, 2]\n"),
                    Contains("test.yaml line 3: section 'train' must be a mapping of its keys (e.g. train: {epochs: "
                             "10}), got a list") &&
                        !Contains("did you mean"));
  CHECK_THROWS_WITH(parse(kMinimal + "optimizer: 0.1\n"),
                    Contains("test.yaml line 3: section 'optimizer' must be a mapping") && Contains("got the value '0.1'"));
  // An empty section (every key left out) is no error.
  CHECK(parse(kMinimal + "train:\n").epochs == 10);
}

TEST_CASE("a second YAML document is an error, not silently ignored", "[trainer][config]") {
  // Before: the second document's cg_classes was dropped and the run trained fg_classes.
  CHECK_THROWS_WITH(parse(kMinimal + "---\ntask: cg_classes\n"),
                    Contains("test.yaml line 3: a second YAML document (after '---')"));
  CHECK_THROWS_WITH(parse(kMinimal + "---\n"), Contains("a second YAML document"));
  // A document start marker before the only document is fine.
  CHECK(parse("---\n" + kMinimal).task_name() == "fg_classes");
}

TEST_CASE("a value that is not UTF-8 is an error naming the key, not a different path in config.yaml", "[trainer][config]") {
  // Before (found by fuzz_trainer_config): the YAML emitter wrote U+FFFD for
  // the Latin-1 byte, so the run folder's config.yaml named another path.
  CHECK_THROWS_WITH(parse("task: fg_classes\ndataset:\n  root: \"caf\xe9\"\n"),
                    Contains("key 'dataset.root'") && Contains("not UTF-8") && Contains("0xe9 at offset 3"));
  CHECK_THROWS_WITH(parse(kMinimal, {"dataset.root=/data/\xc3"}), Contains("--set dataset.root") && Contains("not UTF-8"));
  CHECK_THROWS_WITH(parse(kMinimal, {"dataset.root=/d/\xed\xa0\x80"}), Contains("not UTF-8"));  // a surrogate
  CHECK_THROWS_WITH(parse(kMinimal, {"dataset.root=/d/\xc0\xaf"}), Contains("not UTF-8"));       // an overlong '/'
  CHECK(parse(kMinimal, {"dataset.root=/data/caf\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x8e\xa5"}).dataset_root ==
        "/data/caf\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x8e\xa5");
}

TEST_CASE("absurdly deep nesting is an error naming the line, before the YAML parser gives up", "[trainer][config]") {
  // Before: yaml-cpp's own depth guard, "bad file".
  std::string block = kMinimal;
  for (int depth = 0; depth < 10000; ++depth) block += std::string(2 * static_cast<size_t>(depth), ' ') + "a:\n";
  CHECK_THROWS_WITH(parse(block), Contains("test.yaml line 11: nested more than 8 levels deep") && !Contains("bad file"));
  const std::string flow = kMinimal + "train: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  CHECK_THROWS_WITH(parse(flow), Contains("test.yaml line 3: nested more than 8 levels deep") && !Contains("bad file"));
  // Three levels (a value given as a mapping) still gets the message about the key.
  CHECK_THROWS_WITH(parse(kMinimal + "train:\n  epochs: {a: 1}\n"), Contains("unknown section 'train.epochs'"));
}

TEST_CASE("choices are parsed into enums once and written back as the same names", "[trainer][config]") {
  const TrainerConfig c = parse(kMinimal, {"optimizer.name=sgd", "schedule.name=step", "dataset.storage=frames",
                                           "dataset.generate_format=jpeg", "device=cpu"});
  CHECK(c.optimizer == OptimizerKind::kSgd);
  CHECK(c.schedule == ScheduleKind::kStep);
  CHECK(c.storage == DataStorage::kFrames);
  CHECK(c.generate_format == data::synth::VideoFormat::kJpeg);
  CHECK(c.device == DeviceType::kCPU);
  // Every name each key allows reads as a value whose name is that name again.
  for (const char* name : {"adam", "sgd"})
    CHECK(std::string(config_name(parse(kMinimal, {std::string("optimizer.name=") + name}).optimizer)) == name);
  for (const char* name : {"constant", "step", "plateau", "cosine"})
    CHECK(std::string(config_name(parse(kMinimal, {std::string("schedule.name=") + name}).schedule)) == name);
  for (const char* name : {"auto", "videos", "frames"})
    CHECK(std::string(config_name(parse(kMinimal, {std::string("dataset.storage=") + name}).storage)) == name);
  CHECK(config_name(parse(kMinimal, {"dataset.storage=shards", "dataset.shards=/packed"}).storage) == std::string("shards"));
  for (const char* name : {"webm", "jpeg"})
    CHECK(std::string(config_name(parse(kMinimal, {std::string("dataset.generate_format=") + name}).generate_format)) == name);
  CHECK(config_name(DeviceType::kCUDA) == std::string("cuda"));
  // The run folder's config.yaml spells them as they were given.
  const ConfigValues v = trainer_schema().parse(kMinimal, "test.yaml", {"optimizer.name=sgd", "schedule.name=step"});
  const std::string yaml = resolved_config_yaml(v, read_trainer_config(v, "test.yaml"));
  CHECK_THAT(yaml, Contains("name: \"sgd\"") && Contains("name: \"step\"") && Contains("device: \"cpu\""));
  // The task is stored once: its entry of the task table.
  CHECK(c.labels == data::task_labels("fg_classes"));
  CHECK(c.task_name() == "fg_classes");
  CHECK(c.labels.abbreviation == "FG");
}

TEST_CASE("the task key's choices are the task table's", "[trainer][config]") {
  for (const data::TaskLabels& task : data::source_tasks()) {
    INFO(task.task);
    const TrainerConfig c = parse(kMinimal, {"task=" + task.task});
    CHECK(c.labels == task);
    CHECK(c.is_captioning() == task.captioning());
  }
  CHECK(data::source_tasks().size() == 4);
}

TEST_CASE("a config's data spec carries its data, preprocessing and task", "[trainer][config][data]") {
  const TrainerConfig c = parse("task: fg_classes\ndataset:\n  root: /data\n  storage: frames\n  fps: 4\n  frames_fps: 24\n"
                                           "  eval_split: test\n  max_train_videos: 7\n  pixel_scale: 255\n"
                                           "  generate: synth-ss\n  generate_train: 40\n  generate_format: jpeg\n"
                                           "model:\n  frames: 6\n  resize: 64\n  crop: 56\n  caption_length: 9\n",
                                {"task=so_captions", "device=cpu"});
  const DataSpec d = c.data_spec();
  CHECK(d.root == "/data");
  CHECK(d.storage == DataStorage::kFrames);
  CHECK(d.frames_fps == 24);
  CHECK(d.train_split == "train");
  CHECK(d.eval_split == "test");
  CHECK(d.max_train_videos == 7);
  CHECK(d.max_eval_videos == 0);
  CHECK(d.task == data::task_labels("so_captions"));
  CHECK(d.generate.kind == "synth-ss");
  CHECK(d.generate.train == 40);
  CHECK(d.generate.format == data::synth::VideoFormat::kJpeg);
  CHECK(d.clip.fps == 4);
  CHECK(d.clip.frames == 6);
  CHECK(d.clip.height == 64);
  CHECK(d.clip.width == 64);
  CHECK(d.clip.crop_height == 56);
  CHECK(d.clip.crop_width == 56);
  CHECK(d.clip.pixel_scale == 255.0f);
  CHECK(d.caption_length == 9);
  const LoadSettings l = c.load_settings();
  CHECK(l.batch_size == 8);
  CHECK(l.eval_batch_size == 8);
  CHECK_FALSE(l.pinned_batches);
  CHECK(parse(kMinimal).data_spec().generate.kind.empty());  // dataset.generate: none
}
