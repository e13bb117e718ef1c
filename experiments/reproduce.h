// defines: grain::ReproduceOptions, ReproduceSummary, reproduce_stage_names, run_reproduce
//
// The paper's experiments end to end (`build/bin/reproduce`, docs/transfer.md):
// data, the four source tasks, their evaluations, the frame baselines
// (table 5's analogue), the template baseline, the transfer comparison (CG, FG, SO, FC and the random encoder) and the report.
//
// Design:
//  - A stage is a function of the output folder: it reads what earlier
//    stages wrote there and writes its own files, then a marker
//    OUT/stages/<name>.done recording the SHA-256 of each output and of the
//    markers of the stages it read. A stage is skipped only while its
//    marker still matches: a damaged or missing output, or an upstream
//    stage redone with other outputs, runs it again. An interrupted
//    reproduction continues where it stopped; a training stage without its
//    marker resumes its run folder (the trainer's resume auto: the newest
//    valid checkpoint), mid-training.
//  - One reproduce per output folder: OUT/.lock (train/run_lock.h) names
//    the process holding it.
//  - Training and evaluation call the trainer library (train/'s
//    run_training / evaluate_checkpoint_run) in this process: one thread
//    pool, errors as exceptions. SIGINT/SIGTERM (train/stop_request.h) stop
//    at a safe point: a training stage after its current step with a
//    checkpoint; data generation after the video in hand; a frame baseline
//    or a transfer draw loop at its next step or draw; an evaluation, the
//    template baseline and the report (seconds each) at their end. The
//    stopped stage gets no marker, no new stage starts, and the tool exits
//    with 128 + the signal.
//  - Presets: smoke (generated data at 64 x 64, the tiny model at 4 frames,
//    a few dozen steps per task; the whole pipeline in about a minute on
//    2 cores), cpu (configs/tiny/<task>.yaml, hours on a CPU), paper
//    (configs/<task>.yaml, the paper's sizes, for a GPU). The four tasks of a
//    preset share every setting but the task (one budget, one seed).
//  - results.json holds no timing and no machine-dependent value, so two
//    runs of one preset on one machine write the same bytes; durations go to
//    timings.json.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "train/trainer_config.h"

namespace grain {

struct ReproduceOptions {
  std::string preset = "smoke";           // smoke | cpu | paper
  std::filesystem::path out = "reproduce";
  std::filesystem::path source_data;      // "" = the preset's generated synth-ss
  std::filesystem::path target_data;      // "" = the preset's generated synth-kitchen
  std::string device = "auto";            // cpu | cuda | auto
  int threads = 0;                        // 0: every core
  std::string only;                       // "" = every stage; a stage name or its group (train, evaluate, transfer)
  std::filesystem::path config_dir = "configs";  // the cpu and paper presets' configs
  bool quiet = false;                     // no progress lines
  // Called with a stage's name just before it runs (tests use it to stop a stage mid-way).
  std::function<void(const std::string&)> before_stage;
};

struct ReproduceSummary {
  std::vector<std::string> ran, skipped;
  bool stopped = false;  // a stop request (SIGINT, SIGTERM) ended the reproduction at a safe point; a rerun continues
  int stop_signal = 0;
};

// The trainer config of one source task under these options (the preset's
// config with the output folder, device, threads and data applied) and, in
// config_yaml when given, the effective YAML its run folder records.
TrainerConfig reproduce_task_config(const ReproduceOptions& options, const std::string& task,
                                    std::string* config_yaml = nullptr);

// The stages in order (the same for every preset).
std::vector<std::string> reproduce_stage_names();

ReproduceSummary run_reproduce(const ReproduceOptions& options);

}  // namespace grain
