// defines: grain::TrainerConfig, OptimizerKind, trainer_schema, read_trainer_config, config_name
//
// The trainer's settings, typed. trainer_schema() declares every config key
// (with defaults and descriptions; `trainer --help-config` prints them): the
// one place a default is written. read_trainer_config() turns validated
// values into this struct, resolving the preset and the task's defaults and
// parsing each choice into its enum once; resolved_config_yaml() writes them
// back as numbers for the run folder, every choice as the name it was read
// from (config_name). data_spec() and load_settings() are the dataset's part
// (train/data_spec.h).
#pragma once

#include <filesystem>
#include <string>

#include "data/ssv2/label_view.h"
#include "data/synth/dataset_writer.h"
#include "engine/device.h"
#include "engine/optim/lr_schedule.h"
#include "models/model_config.h"
#include "models/video_model.h"
#include "train/config_schema.h"
#include "train/data_spec.h"

namespace grain {

enum class OptimizerKind { kAdam, kSgd };

// Every field is set by read_trainer_config, from the file or from the
// schema's default; a default-constructed TrainerConfig holds zeros, not a
// usable config.
struct TrainerConfig {
  data::TaskLabels labels;  // the source task (its entry of data::source_tasks()): name and labels
  DeviceType device{};      // device auto is resolved when read

  // dataset
  std::filesystem::path dataset_root;
  std::string generate;  // "": none; else the data::synth dataset kind to generate
  uint64_t generate_seed{};
  int64_t generate_train{}, generate_validation{}, generate_test{};
  int generate_width{}, generate_height{};
  data::synth::VideoFormat generate_format{};
  DataStorage storage{};
  std::filesystem::path shards_dir;  // for storage shards
  double fps{};         // clips are resampled to this rate
  double frames_fps{};  // the rate JPEG frame folders were stored at (storage frames)
  std::string labels_file, train_file, validation_file, test_file, groups_file;
  std::string train_split, eval_split;
  int64_t max_train_videos{}, max_eval_videos{};

  ModelConfig model;
  // Transfer: the encoder's initial weights from another run ("" = seeded
  // initialisation), and whether the encoder is frozen (model.freeze: encoder).
  std::filesystem::path init_from;
  bool freeze_encoder{};
  int64_t vocabulary_min_count{};
  LossWeights loss;
  bool score_padding{};

  // optimisation
  OptimizerKind optimizer{};
  double lr{}, weight_decay{}, momentum{}, beta1{}, beta2{}, adam_eps{};
  double clip_grad_norm{};  // 0: off
  ScheduleKind schedule{};
  int64_t step_size{};
  int64_t warmup_steps{};
  double gamma{}, plateau_factor{}, plateau_threshold{}, min_lr{};
  int64_t plateau_patience{}, plateau_cooldown{};

  // the run
  int64_t epochs{}, max_steps{}, batch_size{}, eval_batch_size{};
  uint64_t seed{};
  int workers{}, threads{};
  bool sync_batch_norm{};  // data-parallel: batch-norm statistics over every process's batch
  int world_size{};        // run.world_size: the processes of the run (recorded, set by the trainer)
  int64_t eval_every_steps{}, checkpoint_every_steps{}, keep_checkpoints{}, log_every_steps{};
  int64_t max_nonfinite_steps{};
  bool fail_on_bad_eval_video{};  // dataset.bad_eval_videos: fail
  double max_bad_fraction{}, pixel_scale{};
  int64_t beam_width{};
  std::filesystem::path out_dir;

  const std::string& task_name() const { return labels.task; }
  bool is_captioning() const { return labels.captioning(); }
  // The data this config trains and validates on, and how its loaders batch it.
  DataSpec data_spec() const;
  LoadSettings load_settings() const;
  bool operator==(const TrainerConfig&) const = default;
};

const ConfigSchema& trainer_schema();

// Turns schema-checked values into the typed config (the preset and the task's
// defaults applied) and checks the rules that span keys; throws naming the
// key and where its value came from (the file's line or the --set flag).
TrainerConfig read_trainer_config(const ConfigValues& values, const std::filesystem::path& file);

// The effective config as YAML with everything that `config` resolved written
// as the value used: the preset's sizes (-1), the task's loss weights (-1),
// eval.batch_size (0), device auto and the default run folder. Read back
// through the schema it gives a TrainerConfig equal to `config`, whatever the
// file is called; the run folder's config.yaml is this text.
std::string resolved_config_yaml(const ConfigValues& values, const TrainerConfig& config);

// A choice as the config spells it (the schema's name for it): "cuda",
// "sgd", "cosine", "frames", "jpeg".
const char* config_name(DeviceType device);
const char* config_name(OptimizerKind optimizer);
const char* config_name(ScheduleKind schedule);
const char* config_name(DataStorage storage);
const char* config_name(data::synth::VideoFormat format);

}  // namespace grain
