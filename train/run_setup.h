// defines: grain::RunSetup, open_run, check_same_config_on_all_ranks — what a
//          training run and an evaluation share
//
// Sets the CPU thread count, resolves the device (refusing cuda without a
// GPU), opens the data (generating a synthetic dataset on first use), and
// builds the model for the task on the device with seeded initial weights;
// with model.init_from, the encoder's weights then come from that run's
// (best) checkpoint, and model.freeze: encoder freezes them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "engine/distributed/communicator.h"
#include "engine/parameters.h"
#include "models/video_model.h"
#include "train/dataset_setup.h"
#include "train/trainer_config.h"

namespace grain {

struct RunSetup {
  Device device = Device::cpu();
  int threads = 1;
  TrainingData data;
  std::unique_ptr<ParameterStore> store;
  std::unique_ptr<VideoModel> model;
  double chance_accuracy = 0;    // 100 / classes
  double majority_accuracy = 0;  // always answering the most frequent training class, on the evaluation split
};

// vocabulary_file: reused when it exists, else built from the training captions and saved there.
// comm (null: a world of one): the loaders take this process's slice of every
// global batch; rank 0 generates the dataset and writes the vocabulary while
// the others wait. cuda_device: the GPU when config.device is cuda.
RunSetup open_run(const TrainerConfig& config, const std::filesystem::path& vocabulary_file,
                  distributed::Communicator* comm = nullptr, int cuda_device = 0);

// Every process of a job runs rank 0's config: rank 0's effective config
// (YAML) is broadcast and compared key by key with this process's, leaving
// out run.* (the run folder, which only rank 0 writes, and the world size,
// which the trainer sets). A difference on any rank throws on every rank one
// error that lists each differing key with both values. Called before any
// collective whose count or size follows the config (steps, validations),
// which would otherwise hang or fail with a message about tensor sizes, or
// train different models on the replicas without a word. A world of one: nothing.
void check_same_config_on_all_ranks(distributed::Communicator& comm, const std::string& config_yaml);

}  // namespace grain
