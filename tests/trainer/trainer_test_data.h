// defines: grain::testing::scratch, dataset, dataset_without_validation —
// what the trainer's tests (one executable) train on, made once per process
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "data/synth/dataset_writer.h"

namespace grain::testing {

// This process's scratch folder, removed when the process exits.
inline std::filesystem::path scratch() {
  struct Scratch {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("grain-trainer-test-" + std::to_string(::getpid()));
    Scratch() {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
    }
    ~Scratch() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  };
  static const Scratch scratch;
  return scratch.dir;
}

// 12 training, 4 validation and 2 (unlabelled) test videos of synth-ss at 64x48, generated once.
inline const std::filesystem::path& dataset() {
  static const std::filesystem::path root = [] {
    const std::filesystem::path d = scratch() / "synth";
    const auto kind = data::synth::make_dataset_kind("synth-ss");
    data::synth::WriteOptions o;
    o.out = d;
    o.seed = 3;
    o.splits = {12, 4, 2};
    o.width = 64;
    o.height = 48;
    o.threads = 1;
    o.progress = false;
    data::synth::write_dataset(*kind, o);
    return d;
  }();
  return root;
}

// The same videos with an empty validation split.
inline const std::filesystem::path& dataset_without_validation() {
  static const std::filesystem::path root = [] {
    const std::filesystem::path d = scratch() / "synth-no-validation";
    std::filesystem::copy(dataset(), d, std::filesystem::copy_options::recursive);
    std::ofstream(d / "validation.json") << "[]\n";
    return d;
  }();
  return root;
}

}  // namespace grain::testing
