// defines: grain::TrainerState, save_trainer_checkpoint, load_trainer_checkpoint, load_checkpoint_folder
//
// What a checkpoint holds (docs/checkpoints.md):
//   model.safetensors      every parameter and buffer under its PyTorch name
//                          and layout (models/model_io.h);
//   optimizer.safetensors  the optimizer's state tensors, one per parameter
//                          ("exp_avg.<name>", ... in the engine's layout);
//   state.json             the TrainerState fields, the schedule's state, the
//                          optimizer's step count, the effective config, the
//                          code version;
//   vocabulary.json        the caption vocabulary (captioning tasks).
// Everything needed to continue bitwise-exactly on the CPU backend: all other
// randomness is a pure function of (seed, epoch, step, video index).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "data/ssv2/vocabulary.h"
#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"
#include "engine/parameters.h"

namespace grain {

struct TrainerState {
  int64_t step = 0;              // optimizer steps taken (skipped non-finite steps included)
  int64_t epoch = 0;             // current epoch
  int64_t batch_in_epoch = 0;    // batches of `epoch` already consumed
  int64_t skipped_steps = 0;     // non-finite steps skipped in total
  int64_t nonfinite_in_row = 0;
  double best_value = -1;        // best validation metric so far (higher is better)
  int64_t best_step = -1;
  int64_t validations = 0;       // validations done (the schedule's clock)
  // The training-loss logging window since the last metrics.jsonl line, so a
  // resumed run logs what the uninterrupted run logs.
  std::map<std::string, double> window_sums;
  int64_t window_steps = 0;
};

// Calls visit(name, field) for every field of TrainerState: the one list
// that state.json is written from and read back into.
template <class State, class Visit>
void visit_fields(State& s, Visit&& visit) {
  visit("step", s.step);
  visit("epoch", s.epoch);
  visit("batch_in_epoch", s.batch_in_epoch);
  visit("skipped_steps", s.skipped_steps);
  visit("nonfinite_in_row", s.nonfinite_in_row);
  visit("best_value", s.best_value);
  visit("best_step", s.best_step);
  visit("validations", s.validations);
  visit("window_sums", s.window_sums);
  visit("window_steps", s.window_steps);
}

// The first parameter or buffer holding a non-finite value, or null.
const Parameter* first_non_finite(const ParameterStore& store);

// Writes ckpt-<step>/ in run_dir atomically (data/formats/checkpoint_folder.h).
// Refuses (throws, writing nothing) when a parameter or buffer holds a
// non-finite value: a poisoned checkpoint must never become `latest`.
std::filesystem::path save_trainer_checkpoint(const std::filesystem::path& run_dir, const ParameterStore& store,
                                              Optimizer& optimizer, const LrSchedule& schedule,
                                              const TrainerState& state, const std::string& config_yaml,
                                              const std::filesystem::path& vocabulary_file);

struct LoadedCheckpoint {
  std::filesystem::path path;
  TrainerState state;
  std::string config_yaml;            // the effective config the checkpoint was written with
  std::vector<std::string> messages;  // skipped (corrupt) checkpoints, for the log
};

// Restores the newest valid checkpoint of run_dir (falling back past corrupt
// ones) into store, optimizer and schedule; nullopt when there is none.
// Throws naming the file and tensor when a checkpoint does not fit the
// model, and when its vocabulary differs from `vocabulary`.
std::optional<LoadedCheckpoint> load_trainer_checkpoint(const std::filesystem::path& run_dir, ParameterStore& store,
                                                        Optimizer& optimizer, LrSchedule& schedule,
                                                        const data::Vocabulary* vocabulary = nullptr);
// Restores a given checkpoint folder (ckpt-<step>).
LoadedCheckpoint load_checkpoint_folder(const std::filesystem::path& folder, ParameterStore& store,
                                        Optimizer& optimizer, LrSchedule& schedule,
                                        const data::Vocabulary* vocabulary = nullptr);

// The checkpoint folder an evaluation uses: `path` itself when it is a
// checkpoint folder; for a run folder, the one best.json names, else the
// newest valid one. Throws naming the folder when there is none.
std::filesystem::path evaluation_checkpoint(const std::filesystem::path& path);
// The step of a checkpoint folder (from its name ckpt-<step>).
int64_t checkpoint_step(const std::filesystem::path& checkpoint_folder);

}  // namespace grain
