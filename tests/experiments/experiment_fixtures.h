// defines: grain::testing::experiment_scratch, tiny_source_data, tiny_kitchen, tiny_run_yaml, train_tiny_run
//
// Small generated data for the experiments' tests, stored as JPEG frame
// folders at the model's 64 x 64 (so no FFmpeg is needed), and tiny source
// runs trained on it: the tiny preset at 4 frames, LSTM 16, a few steps.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "data/synth/dataset_writer.h"
#include "train/trainer.h"

namespace grain::testing {

inline std::filesystem::path experiment_scratch() {
  static const std::filesystem::path dir = [] {
    const auto d = std::filesystem::temp_directory_path() / ("grain-experiments-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(
          std::filesystem::temp_directory_path() / ("grain-experiments-test-" + std::to_string(::getpid())), ec);
    });
    return d;
  }();
  return dir;
}

inline std::filesystem::path generate(const std::string& kind_name, const std::string& folder,
                                      data::synth::SplitSizes splits) {
  const std::filesystem::path d = experiment_scratch() / folder;
  const auto kind = data::synth::make_dataset_kind(kind_name);
  data::synth::WriteOptions o;
  o.out = d;
  o.seed = 5;
  o.splits = splits;
  o.width = o.height = 64;
  o.format = data::synth::VideoFormat::kJpeg;
  o.threads = 1;
  o.progress = false;
  data::synth::write_dataset(*kind, o);
  return d;
}

// synth-ss: 16 training and 4 validation videos.
inline const std::filesystem::path& tiny_source_data() {
  static const std::filesystem::path root = generate("synth-ss", "synth-ss", {16, 4, 0});
  return root;
}

// synth-kitchen: 13 classes x 3 videos, all in train.json.
inline const std::filesystem::path& tiny_kitchen() {
  static const std::filesystem::path root = generate("synth-kitchen", "synth-kitchen", {39, 0, 0});
  return root;
}

inline std::string tiny_run_yaml(const std::string& task, const std::filesystem::path& out, int frames = 4,
                                 const std::string& extra_model = "") {
  return "task: " + task + "\ndataset:\n  root: " + tiny_source_data().string() +
         "\nmodel:\n  preset: tiny\n  frames: " + std::to_string(frames) +
         "\n  lstm_hidden: 16\n  decoder_hidden: 16\n  embedding: 8\n" + extra_model +
         "train:\n  epochs: 1\n  batch_size: 4\n  threads: 1\n  workers: 1\n  log_every_steps: 1\n"
         "run:\n  out: " + out.string() + "\n";
}

inline RunSummary train_tiny_run(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  const ConfigValues v = trainer_schema().parse(yaml, "test.yaml", overrides);
  TrainerOptions options;
  options.quiet = true;
  return run_training(read_trainer_config(v, "test.yaml"), v.to_yaml(), options);
}

}  // namespace grain::testing
