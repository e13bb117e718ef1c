// reproduce: runs the paper's experiments end to end (experiments/reproduce.h, docs/transfer.md).
//   reproduce --preset smoke|cpu|paper [--out DIR] [--source-data DIR] [--target-data DIR]
//             [--device cpu|cuda|auto] [--threads N] [--only STAGE] [--configs DIR] [--quiet]
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "tools/flag_value.h"
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
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      auto value = [&] { return grain::flag_value(argc, argv, i); };
      if (flag == "--help" || flag == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
      } else if (flag == "--list-stages") {
        for (const std::string& s : grain::reproduce_stage_names()) std::printf("%s\n", s.c_str());
        return 0;
      } else if (flag == "--preset") {
        o.preset = value();
        if (o.preset != "smoke" && o.preset != "cpu" && o.preset != "paper")
          throw std::invalid_argument("--preset " + o.preset + ": expected smoke, cpu or paper");
      } else if (flag == "--out") {
        o.out = value();
        out_given = true;
      } else if (flag == "--source-data") {
        o.source_data = value();
      } else if (flag == "--target-data") {
        o.target_data = value();
      } else if (flag == "--device") {
        o.device = value();
        if (o.device != "cpu" && o.device != "cuda" && o.device != "auto")
          throw std::invalid_argument("--device " + o.device + ": expected cpu, cuda or auto");
      } else if (flag == "--threads") {
        const std::string v = value();
        size_t used = 0;
        int n = -1;
        try {
          n = std::stoi(v, &used);
        } catch (const std::exception&) {
        }
        if (used != v.size() || n < 0) throw std::invalid_argument("--threads " + v + ": expected an integer >= 0");
        o.threads = n;
      } else if (flag == "--only") {
        o.only = value();
      } else if (flag == "--configs") {
        o.config_dir = value();
      } else if (flag == "--quiet") {
        o.quiet = true;
      } else {
        throw std::invalid_argument("unknown argument " + flag + " (see --help)");
      }
    }
    if (o.preset.empty()) throw std::invalid_argument("--preset is required (see --help)");
    if (!out_given) o.out = "reproduce-" + o.preset;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "reproduce: %s\n", e.what());
    return 2;
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
