// trainer: trains the paper's model on one source task from a YAML config.
//   trainer --config FILE.yaml [--set key.path=value ...] [--device cpu|cuda|auto]
//           [--resume auto|PATH] [--eval-only] [--out DIR] [--threads N]
//   trainer --help | --help-config
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "data/common/error.h"
#include "engine/error.h"
#include "tools/trainer/trainer.h"
#include "tools/trainer/trainer_config.h"

namespace {

constexpr const char* kUsage = R"(usage: trainer --config FILE.yaml [options]

Trains the two-channel video encoder with a classifier and/or caption decoder
on one source task (configs/*.yaml), validating, checkpointing and writing a
run folder: config.yaml, vocabulary.json, metrics.jsonl, tensorboard/,
ckpt-<step>/, best.json, predictions-<split>.jsonl, summary.json.

options:
  --config FILE        the YAML config (required); see --help-config for every key
  --set KEY=VALUE      override a config key, e.g. --set train.epochs=2 (repeatable)
  --device cpu|cuda|auto
                       backend (overrides the config's `device`; auto: cuda when
                       built with it and a GPU is present, else cpu)
  --resume auto|PATH   continue the newest valid checkpoint of the run folder
                       (auto), or the checkpoint folder PATH
  --eval-only          evaluate the newest valid checkpoint and write predictions
  --out DIR            run folder (overrides run.out; default runs/<config name>)
  --threads N          CPU compute threads (overrides train.threads; 0 = all
                       cores)
  --quiet              no progress line
  --help               this text
  --help-config        every config key with its type, default and meaning

Ctrl-C stops after the current step and writes a checkpoint; a second Ctrl-C
ends at once.
)";

void on_signal(int) {
  grain::request_stop();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, device, resume, out, threads;
  std::vector<std::string> overrides;
  grain::TrainerOptions options;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument("flag " + flag + " needs a value (see --help)");
        return argv[++i];
      };
      if (flag == "--help" || flag == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
      } else if (flag == "--help-config") {
        std::fputs(grain::trainer_schema().describe().c_str(), stdout);
        return 0;
      } else if (flag == "--config") {
        config_path = value();
      } else if (flag == "--set") {
        overrides.push_back(value());
      } else if (flag == "--device") {
        device = value();
      } else if (flag == "--resume") {
        resume = value();
      } else if (flag == "--eval-only") {
        options.eval_only = true;
      } else if (flag == "--out") {
        out = value();
      } else if (flag == "--threads") {
        threads = value();
      } else if (flag == "--quiet") {
        options.quiet = true;
      } else {
        throw std::invalid_argument("unknown argument " + flag + " (see --help)");
      }
    }
    if (config_path.empty()) throw std::invalid_argument("--config is required (see --help)");
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "trainer: %s\n", e.what());
    return 2;
  }
  try {
    // Command-line flags are overrides of their config keys, validated the same way.
    if (!device.empty()) overrides.push_back("device=" + device);
    if (!out.empty()) overrides.push_back("run.out=" + out);
    if (!threads.empty()) overrides.push_back("train.threads=" + threads);
    const grain::ConfigValues values = grain::trainer_schema().load(config_path, overrides);
    const grain::TrainerConfig config = grain::read_trainer_config(values, config_path);
    options.resume = resume;
    if (options.eval_only && options.resume.empty()) options.resume = "auto";
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const grain::RunSummary summary = grain::run_training(config, grain::resolved_config_yaml(values, config), options);
    std::fprintf(stderr, "trainer: run folder %s (summary.json, metrics.jsonl, tensorboard/, %s)\n",
                 summary.run_dir.string().c_str(), summary.predictions.filename().string().c_str());
    if (!summary.predictions.empty()) {
      const std::string flags = std::string(config.task == grain::Task::kCoarseClasses ? " --classes groups" : "") +
                                (config.task == grain::Task::kSimplifiedCaptions ? " --captions simplified" : "");
      std::fprintf(stderr, "trainer: curves: tensorboard --logdir %s; scores: build/bin/evaluate --dataset %s "
                   "--split %s --predictions %s%s\n",
                   (summary.run_dir / "tensorboard").string().c_str(), config.dataset_root.string().c_str(),
                   config.eval_split.c_str(), summary.predictions.string().c_str(), flags.c_str());
    }
    return summary.stopped_early && summary.skipped_steps > 0 ? 1 : 0;
  } catch (const grain::Error& e) {
    std::fprintf(stderr, "trainer: error: %s\n", e.what());
  } catch (const grain::data::DataError& e) {
    std::fprintf(stderr, "trainer: data error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trainer: error: %s\n", e.what());
  }
  return 1;
}
