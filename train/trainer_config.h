// defines: grain::TrainerConfig, trainer_schema, read_trainer_config
//
// The trainer's settings, typed. trainer_schema() declares every config key
// (with defaults and descriptions; `trainer --help-config` prints them);
// read_trainer_config() turns validated values into this struct, resolving
// the preset and the task's defaults; resolved_config_yaml() writes them back
// as numbers for the run folder.
#pragma once

#include <filesystem>
#include <string>

#include "data/ssv2/label_view.h"
#include "models/model_config.h"
#include "models/video_model.h"
#include "train/config_schema.h"

namespace grain {

struct TrainerConfig {
  std::string task_name = "fg_classes";
  data::TaskLabels labels = data::task_labels("fg_classes");  // which labels the task trains and scores

  // dataset
  std::filesystem::path dataset_root;
  std::string generate;  // "" / synth-ss / synth-kitchen
  uint64_t generate_seed = 1;
  int64_t generate_train = 0, generate_validation = 0, generate_test = 0;
  int generate_width = 128, generate_height = 96;
  std::string generate_format = "webm";
  std::string storage = "auto";  // auto | videos | frames | shards
  std::filesystem::path shards_dir;  // for storage = shards
  double fps = 12;          // clips are resampled to this rate
  double frames_fps = 12;   // the rate JPEG frame folders were stored at (storage frames)
  std::string labels_file, train_file, validation_file, test_file, groups_file;
  std::string train_split = "train", eval_split = "validation";
  int64_t max_train_videos = 0, max_eval_videos = 0;

  ModelConfig model;
  // Transfer: the encoder's initial weights from another run ("" = seeded
  // initialisation), and whether the encoder is frozen (model.freeze: encoder).
  std::filesystem::path init_from;
  bool freeze_encoder = false;
  int64_t vocabulary_min_count = 1;
  LossWeights loss;
  bool score_padding = false;

  // optimisation
  std::string optimizer = "adam";
  double lr = 1e-3, weight_decay = 0, momentum = 0.9, beta1 = 0.9, beta2 = 0.999, adam_eps = 1e-8;
  double clip_grad_norm = 0;  // 0: off
  std::string schedule = "constant";
  int64_t step_size = 10;
  int64_t warmup_steps = 0;
  double gamma = 0.1, plateau_factor = 0.1, plateau_threshold = 1e-4, min_lr = 0;
  int64_t plateau_patience = 10, plateau_cooldown = 0;

  // the run
  int64_t epochs = 10, max_steps = 0, batch_size = 8, eval_batch_size = 0;
  uint64_t seed = 0;
  int workers = 1, threads = 0;
  bool sync_batch_norm = true;  // data-parallel: batch-norm statistics over every process's batch
  int world_size = 1;           // run.world_size: the processes of the run (recorded, set by the trainer)
  int64_t eval_every_steps = 0, checkpoint_every_steps = 0, keep_checkpoints = 3, log_every_steps = 10;
  int64_t max_nonfinite_steps = 5;
  bool fail_on_bad_eval_video = false;  // dataset.bad_eval_videos: fail
  double max_bad_fraction = 0.01, pixel_scale = 64;
  int64_t beam_width = 1;
  std::string device = "cpu";
  std::filesystem::path out_dir;

  bool is_captioning() const { return labels.captioning(); }
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

}  // namespace grain
