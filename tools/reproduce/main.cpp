// reproduce: runs the paper's experiments end to end (experiments/reproduce.h, docs/transfer.md).
//   reproduce --preset smoke|cpu|paper [--out DIR] [--source-data DIR] [--target-data DIR]
//             [--device cpu|cuda|auto] [--threads N] [--only STAGE] [--configs DIR] [--quiet]
#include <csignal>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "cli/flag_parser.h"
#include "engine/device.h"
#include "engine/error.h"
#include "experiments/reproduce.h"
#include "train/stop_request.h"
#include "train/trainer.h"

namespace {

constexpr const char* kUsage = R"(usage: reproduce --preset smoke|cpu|paper [options]

Runs the paper's experiments and writes DIR/results.json, report.md,
figure4.svg and curves.svg: generates the data when absent (synth-ss,
synth-kitchen), trains the four source tasks (CG, FG, SO, FC) with one budget
and seed, evaluates each on its own task, scores the template baseline, runs
the few-shot transfer protocol from each source and from a random encoder,
and writes the report. Every stage is skipped when its outputs are complete
(DIR/stages/<stage>.done), so rerunning continues an interrupted
reproduction; a training stage resumes its run folder mid-training.

presets:
  smoke   tiny data and steps: the whole pipeline in about a minute on 2 cores
  cpu     configs/tiny/<task>.yaml: hours on a CPU (docs/transfer.md)
  paper   configs/<task>.yaml, the paper's sizes: for a GPU; the real data
          through --source-data / --target-data

options:
  --preset NAME        smoke, cpu or paper (required)
  --out DIR            output folder (default reproduce-<preset>)
  --source-data DIR    source dataset in the Something-Something V2 layout
                       (default: the preset's generated synth-ss)
  --target-data DIR    few-shot target (train.json holds every video; default:
                       the preset's generated synth-kitchen in DIR/data)
  --device cpu|cuda|auto  (default auto)
  --threads N          CPU threads (default: every core)
  --only STAGE         run one stage, or a group: train, evaluate, transfer
  --configs DIR        the configs folder for cpu and paper (default configs)
  --list-stages        print the stage names and exit
  --quiet              no progress lines
Exit status: 0 done, 1 error, 2 bad command line, 128 + signal when stopped
by SIGINT / SIGTERM (rerun the same command to continue).
)";


}  // namespace

int main(int argc, char** argv) {
  grain::ReproduceOptions o;
  o.preset.clear();
  bool out_given = false;
  grain::cli::FlagParser flags("reproduce", kUsage);
  flags.action("--list-stages", [] {
    for (const std::string& s : grain::reproduce_stage_names()) std::printf("%s\n", s.c_str());
  });
  flags.choice("--preset", &o.preset, {"smoke", "cpu", "paper"});
  flags.value("--out", [&](const std::string& v) {
    o.out = v;
    out_given = true;
  });
  flags.text("--source-data", &o.source_data);
  flags.text("--target-data", &o.target_data);
  // The configs' device: one GPU per process, so no "cuda:N".
  flags.value("--device", [&](const std::string& v) {
    const std::optional<grain::DeviceChoice> choice = grain::try_parse_device_choice(v);
    if (!choice || choice->index) throw std::invalid_argument("expected cpu, cuda or auto");
    o.device = v;
  });
  flags.integer("--threads", &o.threads, 0);
  flags.text("--only", &o.only);
  flags.text("--configs", &o.config_dir);
  flags.set_true("--quiet", &o.quiet);
  try {
    if (flags.parse(argc, argv) == grain::cli::Parsed::kExit) return 0;
    if (o.preset.empty()) throw grain::cli::UsageError("--preset is required");
    if (!out_given) o.out = "reproduce-" + o.preset;
  } catch (const grain::cli::UsageError& e) {
    return flags.usage_error(e);
  }
  try {
    grain::install_stop_signal_handlers();
    const grain::ReproduceSummary s = grain::run_reproduce(o);
    if (s.stopped) {
      std::fprintf(stderr, "reproduce: stopped by signal %d; rerun the same command to continue\n", s.stop_signal);
      return 128 + s.stop_signal;
    }
    std::fprintf(stderr, "reproduce: %zu stages run, %zu skipped (done before); %s\n", s.ran.size(), s.skipped.size(),
                 (o.out / "results.json").string().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reproduce: error: %s\n", e.what());
  }
  return 1;
}
