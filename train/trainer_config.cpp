// defines: the trainer's config keys and their typed reading (see trainer_config.h)
#include "train/trainer_config.h"

#include <charconv>
#include <initializer_list>

#include "engine/device.h"
#include "engine/error.h"

namespace grain {

namespace {

using T = ConfigType;
using R = ConfigRange;

// Compute threads: 0 means every core; above 1024 (more than the hardware
// threads of any single host today) only oversubscribes, and 100,000 made
// libgomp crash creating its team.
constexpr double kMaxThreads = 1024;
// Loader threads: 0 builds batches on the training thread; each worker holds
// a batch of decoded clips, and decoding is a small part of a step, so past
// 64 workers only memory grows.
constexpr double kMaxWorkers = 64;
// Clips per step: 64x the paper preset's 16; batch x the per-clip bound of
// models/model_config.h keeps one batch's activations finite.
constexpr double kMaxBatchSize = 1024;
constexpr double kMaxBeamWidth = 64;

// Sizes whose -1 takes the preset's value.
ConfigRange preset_or(double lo, int64_t hi) {
  return R::between(lo, static_cast<double>(hi)).or_value(-1, "the preset's");
}

}  // namespace

const ConfigSchema& trainer_schema() {
  static const ConfigSchema schema({
      {"task", T::kString, "fg_classes",
       "source task: action groups (cg), categories (fg), simplified-object captions (so), full captions (fc)",
       {"cg_classes", "fg_classes", "so_captions", "fg_captions"}},
      {"device", T::kString, "cpu",
       "backend to train on (auto: cuda when this build has it and a GPU is present, else cpu; the --device flag "
       "overrides)",
       {"cpu", "cuda", "auto"}},
      {"dataset.root", T::kString, "", "folder of the dataset in the Something-Something V2 layout"},
      {"dataset.generate", T::kString, "none",
       "generate this synthetic dataset into dataset.root on first use when the folder has no labels",
       {"none", "synth-ss", "synth-kitchen"}},
      {"dataset.generate_seed", T::kInt, "1", "seed of the generated dataset",
       {}, R::at_least(0)},
      {"dataset.generate_train", T::kInt, "0", "training videos to generate (0: the generator's default)",
       {}, R::between(0, 1e6)},
      {"dataset.generate_validation", T::kInt, "0", "validation videos to generate (0: the generator's default)",
       {}, R::between(0, 1e6)},
      {"dataset.generate_test", T::kInt, "0", "test videos to generate (0: the generator's default)",
       {}, R::between(0, 1e6)},
      {"dataset.generate_width", T::kInt, "128", "width of generated videos",
       {}, R::between(16, 4096)},
      {"dataset.generate_height", T::kInt, "96", "height of generated videos",
       {}, R::between(16, 4096)},
      {"dataset.generate_format", T::kString, "webm", "storage of generated videos", {"webm", "jpeg"}},
      {"dataset.storage", T::kString, "auto",
       "read videos/<id>.*, frames/<id>/ or packed shards (auto: videos or frames, whichever exists)",
       {"auto", "videos", "frames", "shards"}},
      {"dataset.shards", T::kString, "", "folder of packed shards (pack_dataset) of the split, for storage shards"},
      {"dataset.fps", T::kDouble, "12", "frame rate clips are resampled to",
       {}, R::between(0, 1000).excluding_min()},
      {"dataset.frames_fps", T::kDouble, "12",
       "frame rate of JPEG frame folders (storage frames; Something-Something V2 and the generator: 12)",
       {}, R::between(0, 1000).excluding_min()},
      {"dataset.labels", T::kString, "", "labels file name (empty: labels.json or the release's name)"},
      {"dataset.train", T::kString, "", "training split file name (empty: detected)"},
      {"dataset.validation", T::kString, "", "validation split file name (empty: detected)"},
      {"dataset.test", T::kString, "", "test split file name (empty: detected)"},
      {"dataset.groups", T::kString, "", "action-group file name (empty: groups.json)"},
      {"dataset.train_split", T::kString, "train", "split to train on"},
      {"dataset.eval_split", T::kString, "validation", "split to validate and predict on"},
      {"dataset.max_train_videos", T::kInt, "0", "use only the first N training videos (0: all)",
       {}, R::at_least(0)},
      {"dataset.max_eval_videos", T::kInt, "0", "evaluate only the first N videos (0: all)",
       {}, R::at_least(0)},
      {"dataset.pixel_scale", T::kDouble, "64", "input = pixel value / pixel_scale (the authors' code: 64)",
       {}, R::above(0)},
      {"dataset.max_bad_fraction", T::kDouble, "0.01", "fail when more than this fraction of videos is bad",
       {}, R::between(0, 1)},
      {"dataset.bad_eval_videos", T::kString, "skip",
       "an unreadable evaluation video: skip (left out, named and counted in the metrics) or fail (the run stops); "
       "never replaced by another video",
       {"skip", "fail"}},
      {"model.preset", T::kString, "tiny", "architecture sizes (model.md)", {"paper", "small", "tiny"}},
      {"model.frames", T::kInt, "-1", "T, frames per clip (-1: the preset's)",
       {}, preset_or(1, kMaxFrames)},
      {"model.resize", T::kInt, "-1", "frames resized to this square size (-1: the preset's)",
       {}, preset_or(1, kMaxImageSize)},
      {"model.crop", T::kInt, "-1", "square crop, at least 56 (-1: the preset's)",
       {}, preset_or(1, kMaxImageSize)},
      {"model.width_2d", T::kInt, "-1", "c2, width of the 2D channel; 0 switches it off (-1: the preset's)",
       {}, preset_or(0, kMaxChannelWidth)},
      {"model.width_3d", T::kInt, "-1", "c3, width of the 3D channel; 0 switches it off (-1: the preset's)",
       {}, preset_or(0, kMaxChannelWidth)},
      {"model.lstm_hidden", T::kInt, "-1", "encoder LSTM hidden size per direction (-1: the preset's)",
       {}, preset_or(1, kMaxHiddenSize)},
      {"model.lstm_layers", T::kInt, "2", "encoder LSTM layers (paper text: 2; authors' code: 1)",
       {}, R::between(1, kMaxLstmLayers)},
      {"model.decoder_hidden", T::kInt, "-1", "caption decoder LSTM hidden size (-1: the preset's)",
       {}, preset_or(1, kMaxHiddenSize)},
      {"model.decoder_layers", T::kInt, "2", "caption decoder LSTM layers",
       {}, R::between(1, kMaxLstmLayers)},
      {"model.embedding", T::kInt, "256", "word embedding width",
       {}, R::between(1, kMaxHiddenSize)},
      {"model.caption_length", T::kInt, "14", "caption tokens including the end token (paper: 14)",
       {}, R::between(2, kMaxCaptionLength)},
      {"model.dropout", T::kDouble, "0",
       "dropout probability on the video encoding h before the heads, in training (0: off, as the paper)",
       {}, R::between(0, 1).excluding_max()},
      {"model.vocabulary_min_count", T::kInt, "1", "training-caption words seen fewer times map to unknown",
       {}, R::at_least(1)},
      {"model.init_from", T::kString, "",
       "start the encoder from another run's weights: a run folder (its best checkpoint) or a checkpoint folder; "
       "the heads start fresh (\"\": seeded initial weights)"},
      {"model.freeze", T::kString, "none",
       "encoder: train the heads only (the encoder's parameters get no updates; its batch-norm statistics still "
       "follow the training data); none: train everything",
       {"none", "encoder"}},
      {"loss.classification", T::kDouble, "-1",
       "w_class (-1: the task's default, 1 for classification tasks, 0.1 for captioning)",
       {}, R::at_least(0).or_value(-1, "the task's default")},
      {"loss.caption", T::kDouble, "-1", "w_caption (-1: the task's default, 0 or 0.9)",
       {}, R::at_least(0).or_value(-1, "the task's default")},
      {"loss.score_padding", T::kBool, "false", "score padding tokens too (the authors' code does)"},
      {"optimizer.name", T::kString, "adam", "optimizer", {"adam", "sgd"}},
      {"optimizer.lr", T::kDouble, "0.001", "learning rate (paper: Adam 1e-3; authors' code: 1e-4 with plateau)",
       {}, R::above(0)},
      {"optimizer.weight_decay", T::kDouble, "0", "L2 weight decay added to the gradient",
       {}, R::at_least(0)},
      {"optimizer.momentum", T::kDouble, "0.9", "SGD momentum",
       {}, R::between(0, 1).excluding_max()},
      {"optimizer.beta1", T::kDouble, "0.9", "Adam beta1",
       {}, R::between(0, 1).excluding_max()},
      {"optimizer.beta2", T::kDouble, "0.999", "Adam beta2",
       {}, R::between(0, 1).excluding_max()},
      {"optimizer.eps", T::kDouble, "1e-8", "Adam epsilon",
       {}, R::above(0)},
      {"optimizer.clip_grad_norm", T::kDouble, "0", "clip gradients to this global L2 norm (0: off)",
       {}, R::at_least(0)},
      {"schedule.name", T::kString, "constant",
       "learning-rate schedule: constant; step and plateau, updated after each validation; cosine, per step to "
       "schedule.min_lr at the last step",
       {"constant", "step", "plateau", "cosine"}},
      {"schedule.warmup_steps", T::kInt, "0", "ramp the lr linearly from lr/N to lr over the first N steps (0: off)",
       {}, R::at_least(0)},
      {"schedule.step_size", T::kInt, "10", "step schedule: epochs between decays",
       {}, R::at_least(1)},
      {"schedule.gamma", T::kDouble, "0.1", "step schedule: decay factor",
       {}, R::between(0, 1).excluding_min()},
      {"schedule.factor", T::kDouble, "0.1", "plateau schedule: lr factor on a plateau",
       {}, R::between(0, 1).excluding_min().excluding_max()},
      {"schedule.patience", T::kInt, "10", "plateau schedule: validations without improvement",
       {}, R::at_least(0)},
      {"schedule.threshold", T::kDouble, "0.0001", "plateau schedule: relative improvement that counts",
       {}, R::at_least(0)},
      {"schedule.cooldown", T::kInt, "0", "plateau schedule: validations to wait after a reduction",
       {}, R::at_least(0)},
      {"schedule.min_lr", T::kDouble, "0", "plateau schedule: lower bound of the lr; cosine: the lr it ends at",
       {}, R::at_least(0)},
      {"train.epochs", T::kInt, "10", "epochs to train",
       {}, R::at_least(1)},
      {"train.max_steps", T::kInt, "0", "stop after this many optimizer steps (0: no limit)",
       {}, R::at_least(0)},
      {"train.batch_size", T::kInt, "8", "clips per step",
       {}, R::between(1, kMaxBatchSize)},
      {"train.seed", T::kInt, "0", "seed of initialisation, data order, crops and dropout",
       {}, R::at_least(0)},
      {"train.workers", T::kInt, "1", "data-loading threads (0: batches are built on the training thread)",
       {}, R::between(0, kMaxWorkers)},
      {"train.threads", T::kInt, "0",
       "CPU compute threads (0: all cores; the --threads flag overrides)",
       {}, R::between(0, kMaxThreads)},
      {"train.sync_batch_norm", T::kBool, "true",
       "data-parallel runs: batch-norm statistics over the whole global batch (every process's clips); false: "
       "each process's own clips (docs/distributed.md)"},
      {"train.eval_every_steps", T::kInt, "0", "validate every N steps (0: at the end of each epoch)",
       {}, R::at_least(0)},
      {"train.checkpoint_every_steps", T::kInt, "0", "checkpoint every N steps (0: at each validation)",
       {}, R::at_least(0)},
      {"train.keep_checkpoints", T::kInt, "3", "checkpoints kept besides the best",
       {}, R::at_least(1)},
      {"train.log_every_steps", T::kInt, "10", "metrics.jsonl / TensorBoard every N steps",
       {}, R::at_least(1)},
      {"train.max_nonfinite_steps", T::kInt, "5", "stop after this many non-finite steps in a row",
       {}, R::at_least(1)},
      {"eval.batch_size", T::kInt, "0", "clips per evaluation batch (0: train.batch_size)",
       {}, R::between(0, kMaxBatchSize)},
      {"eval.beam_width", T::kInt, "1", "caption decoding: 1 = greedy (the paper), more = beam search",
       {}, R::between(1, kMaxBeamWidth)},
      {"run.out", T::kString, "", "run folder (empty: runs/<config file name>; the --out flag overrides)"},
      {"run.world_size", T::kInt, "1",
       "processes of the run (recorded in config.yaml; the trainer sets it from the launcher, e.g. mpirun -np N, "
       "whatever the file says; not part of the run's identity: a run may resume with another count)",
       {}, R::between(1, 1 << 20)},

  });
  return schema;
}

namespace {

// Where the values of `keys` came from, for a message about them: the lines
// of the file and the --set flags that gave them, else the file (defaults).
std::string origin(const ConfigValues& v, const std::filesystem::path& file,
                   std::initializer_list<std::string> keys) {
  std::string text;
  for (const std::string& key : keys)
    if (v.was_set(key)) text += (text.empty() ? "" : ", ") + v.source(key);
  return text.empty() ? file.string() : text;
}

}  // namespace

TrainerConfig read_trainer_config(const ConfigValues& v, const std::filesystem::path& file) {
  // Ranges are checked by the schema; what is left here are the rules that
  // involve several keys, or the preset.
  TrainerConfig c;
  c.task_name = v.get_string("task");
  c.labels = data::task_labels(c.task_name);  // the schema's choices are the four source tasks
  c.device = parse_device(v.get_string("device")).is_cuda() ? "cuda" : "cpu";  // auto resolved once, here
  GRAIN_CHECK(!v.get_string("dataset.root").empty(),
              origin(v, file, {"dataset.root"}) << ": key 'dataset.root' is required");
  c.dataset_root = v.get_string("dataset.root");
  c.generate = v.get_string("dataset.generate") == "none" ? "" : v.get_string("dataset.generate");
  c.generate_seed = static_cast<uint64_t>(v.get_int("dataset.generate_seed"));
  c.generate_train = v.get_int("dataset.generate_train");
  c.generate_validation = v.get_int("dataset.generate_validation");
  c.generate_test = v.get_int("dataset.generate_test");
  c.generate_width = static_cast<int>(v.get_int("dataset.generate_width"));
  c.generate_height = static_cast<int>(v.get_int("dataset.generate_height"));
  c.generate_format = v.get_string("dataset.generate_format");
  c.storage = v.get_string("dataset.storage");
  c.shards_dir = v.get_string("dataset.shards");
  GRAIN_CHECK(c.storage != "shards" || !c.shards_dir.empty(),
              origin(v, file, {"dataset.storage", "dataset.shards"})
                  << ": key 'dataset.shards' is required with dataset.storage: shards");
  c.fps = v.get_double("dataset.fps");
  c.frames_fps = v.get_double("dataset.frames_fps");
  c.labels_file = v.get_string("dataset.labels");
  c.train_file = v.get_string("dataset.train");
  c.validation_file = v.get_string("dataset.validation");
  c.test_file = v.get_string("dataset.test");
  c.groups_file = v.get_string("dataset.groups");
  c.train_split = v.get_string("dataset.train_split");
  c.eval_split = v.get_string("dataset.eval_split");
  c.max_train_videos = v.get_int("dataset.max_train_videos");
  c.max_eval_videos = v.get_int("dataset.max_eval_videos");
  c.pixel_scale = v.get_double("dataset.pixel_scale");
  c.max_bad_fraction = v.get_double("dataset.max_bad_fraction");
  c.fail_on_bad_eval_video = v.get_string("dataset.bad_eval_videos") == "fail";

  c.model = model_preset(v.get_string("model.preset"));
  auto preset_or = [&](const char* key, int64_t& field) {
    const int64_t value = v.get_int(key);
    if (value != -1) field = value;
  };
  preset_or("model.frames", c.model.frames);
  preset_or("model.resize", c.model.resize);
  preset_or("model.crop", c.model.crop);
  preset_or("model.width_2d", c.model.width_2d);
  preset_or("model.width_3d", c.model.width_3d);
  preset_or("model.lstm_hidden", c.model.lstm_hidden);
  preset_or("model.decoder_hidden", c.model.decoder_hidden);
  c.model.lstm_layers = v.get_int("model.lstm_layers");
  c.model.decoder_layers = v.get_int("model.decoder_layers");
  c.model.embedding = v.get_int("model.embedding");
  c.model.caption_length = v.get_int("model.caption_length");
  c.model.dropout = v.get_double("model.dropout");
  c.vocabulary_min_count = v.get_int("model.vocabulary_min_count");
  c.init_from = v.get_string("model.init_from");
  c.freeze_encoder = v.get_string("model.freeze") == "encoder";
  try {
    validate_model_config(c.model);
  } catch (const Error& e) {
    GRAIN_THROW(origin(v, file,
                       {"model.preset", "model.frames", "model.resize", "model.crop", "model.width_2d",
                        "model.width_3d", "model.lstm_hidden", "model.lstm_layers", "model.decoder_hidden",
                        "model.decoder_layers", "model.embedding", "model.caption_length"})
                << ": " << e.what());
  }

  const double w_class = v.get_double("loss.classification"), w_caption = v.get_double("loss.caption");
  c.loss.classification = w_class >= 0 ? w_class : (c.is_captioning() ? 0.1 : 1.0);
  c.loss.caption = w_caption >= 0 ? w_caption : (c.is_captioning() ? 0.9 : 0.0);
  GRAIN_CHECK(c.loss.classification > 0 || c.loss.caption > 0,
              origin(v, file, {"loss.classification", "loss.caption"})
                  << ": keys 'loss.classification' and 'loss.caption' are both 0");
  GRAIN_CHECK(c.loss.caption == 0 || c.is_captioning(),
              origin(v, file, {"loss.caption", "task"}) << ": key 'loss.caption' is " << c.loss.caption
                                                        << " but task " << c.task_name << " has no captions");
  c.score_padding = v.get_bool("loss.score_padding");

  c.optimizer = v.get_string("optimizer.name");
  c.lr = v.get_double("optimizer.lr");
  c.weight_decay = v.get_double("optimizer.weight_decay");
  c.momentum = v.get_double("optimizer.momentum");
  c.beta1 = v.get_double("optimizer.beta1");
  c.beta2 = v.get_double("optimizer.beta2");
  c.adam_eps = v.get_double("optimizer.eps");
  c.clip_grad_norm = v.get_double("optimizer.clip_grad_norm");
  c.schedule = v.get_string("schedule.name");
  c.step_size = v.get_int("schedule.step_size");
  c.gamma = v.get_double("schedule.gamma");
  c.plateau_factor = v.get_double("schedule.factor");
  c.plateau_patience = v.get_int("schedule.patience");
  c.plateau_threshold = v.get_double("schedule.threshold");
  c.plateau_cooldown = v.get_int("schedule.cooldown");
  c.min_lr = v.get_double("schedule.min_lr");
  c.warmup_steps = v.get_int("schedule.warmup_steps");
  GRAIN_CHECK(c.schedule != "cosine" || c.min_lr <= c.lr,
              origin(v, file, {"schedule.min_lr", "optimizer.lr"})
                  << ": key 'schedule.min_lr' is " << c.min_lr << ", above 'optimizer.lr' " << c.lr
                  << ": the cosine schedule decays from optimizer.lr down to schedule.min_lr");

  c.epochs = v.get_int("train.epochs");
  c.max_steps = v.get_int("train.max_steps");
  c.batch_size = v.get_int("train.batch_size");
  c.seed = static_cast<uint64_t>(v.get_int("train.seed"));
  c.workers = static_cast<int>(v.get_int("train.workers"));
  c.threads = static_cast<int>(v.get_int("train.threads"));
  c.sync_batch_norm = v.get_bool("train.sync_batch_norm");
  c.world_size = static_cast<int>(v.get_int("run.world_size"));
  c.eval_every_steps = v.get_int("train.eval_every_steps");
  c.checkpoint_every_steps = v.get_int("train.checkpoint_every_steps");
  c.keep_checkpoints = v.get_int("train.keep_checkpoints");
  c.log_every_steps = v.get_int("train.log_every_steps");
  c.max_nonfinite_steps = v.get_int("train.max_nonfinite_steps");
  c.eval_batch_size = v.get_int("eval.batch_size");
  if (c.eval_batch_size == 0) c.eval_batch_size = c.batch_size;
  c.beam_width = v.get_int("eval.beam_width");
  const std::string out = v.get_string("run.out");
  c.out_dir = out.empty() ? std::filesystem::path("runs") / file.stem() : std::filesystem::path(out);
  return c;
}

std::string resolved_config_yaml(const ConfigValues& values, const TrainerConfig& c) {
  auto number = [](double v) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
    return std::string(buffer, result.ptr);
  };
  ConfigValues resolved = values;
  trainer_schema().apply_overrides(
      resolved, {"device=" + c.device,
                 "model.frames=" + std::to_string(c.model.frames),
                 "model.resize=" + std::to_string(c.model.resize),
                 "model.crop=" + std::to_string(c.model.crop),
                 "model.width_2d=" + std::to_string(c.model.width_2d),
                 "model.width_3d=" + std::to_string(c.model.width_3d),
                 "model.lstm_hidden=" + std::to_string(c.model.lstm_hidden),
                 "model.decoder_hidden=" + std::to_string(c.model.decoder_hidden),
                 "loss.classification=" + number(c.loss.classification),
                 "loss.caption=" + number(c.loss.caption),
                 "eval.batch_size=" + std::to_string(c.eval_batch_size),
                 "run.out=" + c.out_dir.string()});
  return resolved.to_yaml();
}

}  // namespace grain
