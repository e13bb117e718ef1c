// trainer: trains the paper's model on one source task from a YAML config.
//   trainer --config FILE.yaml [--set key.path=value ...] [--device cpu|cuda|auto]
//           [--resume auto|PATH] [--resume-anyway] [--eval-only] [--out DIR] [--threads N]
//   trainer --resume auto --out RUN        (the run's own config.yaml)
//   trainer --help | --help-config
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/flag_parser.h"
#include "data/common/error.h"
#include "data/ssv2/label_view.h"
#include "engine/device.h"
#include "engine/distributed/communicator.h"
#include "engine/distributed/launch_env.h"
#include "engine/error.h"
#include "train/stop_request.h"
#include "train/trainer.h"
#include "train/trainer_config.h"

namespace {

constexpr const char* kUsage = R"(usage: trainer --config FILE.yaml [options]

Trains the two-channel video encoder with a classifier and/or caption decoder
on one source task (configs/*.yaml), validating, checkpointing and writing a
run folder: config.yaml, vocabulary.json, metrics.jsonl, tensorboard/,
ckpt-<step>/, best.json, predictions-<split>.jsonl, summary.json.

options:
  --config FILE        the YAML config; see --help-config for every key. May be
                       left out with --resume auto --out RUN (RUN/config.yaml)
  --set KEY=VALUE      override a config key, e.g. --set train.epochs=2 (repeatable)
  --device cpu|cuda|auto
                       backend (overrides the config's `device`; auto: cuda when
                       built with it and a GPU is present, else cpu)
  --resume auto|PATH   continue the newest valid checkpoint of the run folder
                       (auto), or the checkpoint folder PATH. Refused when the
                       run's identity (task, data, model, batch size, seed,
                       learning rate) differs from the checkpoint's config
  --resume-anyway      resume although identity keys changed (recorded in
                       RUN/resume-anyway.log)
  --eval-only          evaluate a checkpoint instead of training: the best one
                       (best.json) of the run folder, or --resume PATH (a run
                       folder or a ckpt-<step> folder); writes
                       predictions-<split>.jsonl and summary.json into
                       RUN/eval-<step>-<split>/, or into --out DIR: never over
                       the training run's own files
  --out DIR            run folder (overrides run.out; default runs/<config name});
                       with --eval-only, the output folder
  --threads N          CPU compute threads (overrides train.threads; 0 = all
                       cores)
  --quiet              no progress line
  --help               this text
  --help-config        every config key with its type, default and meaning

Data-parallel: started by mpirun -np N (or srun --mpi=pmix), N processes
train one model, each on train.batch_size / N clips of every global batch
(docs/distributed.md); rank 0 alone prints and writes the run folder.

Ctrl-C (SIGINT) or SIGTERM stops after the current step and writes a
checkpoint; a second one ends at once. Exit status: 0 finished, 1 error or
stopped by non-finite steps, 2 bad command line, 130 stopped by SIGINT,
143 stopped by SIGTERM (resume with the command the stop message prints).
)";


}  // namespace

int main(int argc, char** argv) {
  std::string config_path, device, resume, out;
  int64_t threads = -1;  // -1: not given
  std::vector<std::string> overrides;
  grain::TrainerOptions options;
  grain::cli::FlagParser flags("trainer", kUsage);
  flags.action("--help-config", [] { std::fputs(grain::trainer_schema().describe().c_str(), stdout); });
  flags.text("--config", &config_path);
  flags.repeated("--set", &overrides);
  // --device and --threads become config overrides (below), whose ranges the
  // config keys check; here the names and the number. A trainer process's
  // GPU is its local rank (docs/distributed.md), so no "cuda:N".
  flags.value("--device", [&](const std::string& v) {
    const std::optional<grain::DeviceChoice> choice = grain::try_parse_device_choice(v);
    if (!choice || choice->index) throw std::invalid_argument("expected cpu, cuda or auto");
    device = v;
  });
  flags.text("--resume", &resume);
  flags.set_true("--resume-anyway", &options.resume_anyway);
  flags.set_true("--eval-only", &options.eval_only);
  flags.text("--out", &out);
  flags.integer("--threads", &threads, 0);
  flags.set_true("--quiet", &options.quiet);
  try {
    if (flags.parse(argc, argv) == grain::cli::Parsed::kExit) return 0;
    if (config_path.empty() && resume == "auto" && !out.empty()) config_path = (std::filesystem::path(out) / "config.yaml").string();
    if (config_path.empty())
      throw grain::cli::UsageError("--config is required (or --resume auto --out RUN to continue RUN; see --help)");
  } catch (const grain::cli::UsageError& e) {
    return flags.usage_error(e);
  }
  // A world of several processes: an error on any rank ends the whole job
  // through the communicator, naming the rank (a rank that just returned
  // would leave the others waiting in a collective).
  std::unique_ptr<grain::distributed::Communicator> comm;
  auto fail = [&](const std::string& message) {
    if (comm && comm->world_size() > 1) comm->abort("trainer: " + message);
    std::fprintf(stderr, "trainer: %s\n", message.c_str());
    return 1;
  };
  try {
    const grain::distributed::LaunchEnv launch =
        grain::distributed::parse_launch_env(grain::distributed::process_environment());
    // Command-line flags are overrides of their config keys, validated the same way.
    overrides.push_back("run.world_size=" + std::to_string(launch.world_size));
    if (!device.empty()) overrides.push_back("device=" + device);
    if (!out.empty() && !options.eval_only) overrides.push_back("run.out=" + out);
    if (options.eval_only) options.eval_out = out;
    if (threads >= 0) overrides.push_back("train.threads=" + std::to_string(threads));
    const grain::ConfigValues values = grain::trainer_schema().load(config_path, overrides);
    const grain::TrainerConfig config = grain::read_trainer_config(values, config_path);
    options.resume = resume;
    comm = grain::distributed::make_communicator(
        launch, config.device == grain::DeviceType::kCUDA ? grain::Device::cuda(launch.cuda_device) : grain::Device::cpu());
    options.communicator = comm.get();
    options.cuda_device = launch.cuda_device;
    grain::install_stop_signal_handlers();
    const grain::RunSummary summary = grain::run_training(config, grain::resolved_config_yaml(values, config), options);
    if (comm->rank() != 0) return grain::exit_status(summary);
    // Name only the files this run folder really has.
    std::string files;
    const std::string split = config.eval_split;
    for (const std::string& f : std::vector<std::string>{"summary.json", "metrics.jsonl", "tensorboard/", "best.json",
                                                         summary.predictions.filename().string(),
                                                         "confusion-" + split + ".json", "confusion-" + split + ".svg"}) {
      if (!f.empty() && std::filesystem::exists(summary.output_dir / f)) files += (files.empty() ? "" : ", ") + f;
    }
    std::fprintf(stderr, "trainer: %s %s (%s)\n", options.eval_only ? "evaluation in" : "run folder",
                 summary.output_dir.string().c_str(), files.c_str());
    if (summary.reason == grain::StopReason::kSignal) {
      std::fprintf(stderr, "trainer: stopped at step %lld; continue with: trainer --config %s --resume auto\n",
                   static_cast<long long>(summary.steps), (summary.run_dir / "config.yaml").string().c_str());
    } else if (!summary.predictions.empty() && !summary.final_metrics.empty()) {
      const grain::data::TaskLabels& task = config.labels;
      const std::string flags =
          std::string(task.classes == grain::data::ClassView::kGroup ? " --classes groups" : "") +
          (task.captions == grain::data::CaptionView::kSimplified ? " --captions simplified" : "");
      std::fprintf(stderr, "trainer: curves: tensorboard --logdir %s; scores: build/bin/evaluate --dataset %s "
                   "--split %s --predictions %s%s\n",
                   (summary.run_dir / "tensorboard").string().c_str(), config.dataset_root.string().c_str(),
                   config.eval_split.c_str(), summary.predictions.string().c_str(), flags.c_str());
    }
    return grain::exit_status(summary);
  } catch (const grain::StopRequested& e) {  // before a training step (while generating the data)
    std::fprintf(stderr, "trainer: %s; the same command continues\n", e.what());
    return 128 + (e.signal() > 0 ? e.signal() : SIGINT);
  } catch (const grain::data::DataError& e) {  // before its base grain::Error
    return fail(std::string("data error: ") + e.what());
  } catch (const grain::Error& e) {
    return fail(std::string("error: ") + e.what());
  } catch (const std::exception& e) {
    return fail(std::string("error: ") + e.what());
  }
}
