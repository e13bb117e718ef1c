// defines: grain::TrainerState, save_trainer_checkpoint, load_trainer_checkpoint
//
// What a checkpoint holds and how engine objects map to its files
// (docs/checkpoints.md):
//   model.safetensors      every parameter and buffer under its PyTorch name
//                          and in PyTorch's layout (conv weights (Cout, Cin,
//                          kT, kH, kW)), so safetensors.torch.load_file reads it;
//   optimizer.safetensors  the optimizer's state tensors, one per parameter
//                          ("exp_avg.<name>", ... in the engine's layout) ;
//   state.json             step, epoch, position in the epoch, optimizer step
//                          count, schedule state, counters, best result, the
//                          effective config, code version;
//   vocabulary.json        the caption vocabulary (captioning tasks).
// Everything needed to continue bitwise-exactly on the CPU backend: all other
// randomness is a pure function of (seed, epoch, step, video index).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"
#include "data/ssv2/vocabulary.h"
#include "engine/parameters.h"

namespace grain {

struct TrainerState {
  int64_t step = 0;              // optimizer steps taken (skipped non-finite steps included)
  int64_t epoch = 0;             // current epoch
  int64_t batch_in_epoch = 0;    // batches of `epoch` already consumed
  int64_t skipped_steps = 0;     // non-finite steps skipped in total
  int64_t nonfinite_in_row = 0;
  double lr = 0;                 // current learning rate
  double plateau_best = 0;       // ReduceLrOnPlateau state (when used)
  int64_t plateau_bad = 0, plateau_cooldown = 0;
  double best_value = -1;        // best validation metric so far (higher is better)
  int64_t best_step = -1;
  int64_t validations = 0;       // validations done (the schedule's clock)
};

// Writes ckpt-<step>/ in run_dir atomically (data/formats/checkpoint_folder.h).
std::filesystem::path save_trainer_checkpoint(const std::filesystem::path& run_dir, const ParameterStore& store,
                                              Optimizer& optimizer, const TrainerState& state,
                                              const std::string& config_yaml,
                                              const std::filesystem::path& vocabulary_file);

struct LoadedCheckpoint {
  std::filesystem::path path;
  TrainerState state;
  std::vector<std::string> messages;  // skipped (corrupt) checkpoints, for the log
};

// Restores the newest valid checkpoint of run_dir (falling back past corrupt
// ones) into store and optimizer; nullopt when there is none. Throws naming
// the file and tensor when a checkpoint does not fit the model, and when its
// vocabulary differs from `vocabulary` (a model refuses another vocabulary).
std::optional<LoadedCheckpoint> load_trainer_checkpoint(const std::filesystem::path& run_dir, ParameterStore& store,
                                                        Optimizer& optimizer,
                                                        const data::Vocabulary* vocabulary = nullptr);
// Restores a given checkpoint folder (ckpt-<step>).
LoadedCheckpoint load_checkpoint_folder(const std::filesystem::path& folder, ParameterStore& store,
                                        Optimizer& optimizer, const data::Vocabulary* vocabulary = nullptr);

// Model parameters only, in PyTorch names and layouts (for --eval-only and transfer).
void load_model_weights(const std::filesystem::path& model_safetensors, ParameterStore& store);

}  // namespace grain
