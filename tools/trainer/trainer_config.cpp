// defines: the trainer's config keys and their typed reading (see trainer_config.h)
#include "tools/trainer/trainer_config.h"

#include "engine/device.h"
#include "engine/error.h"

namespace grain {

namespace {
using T = ConfigType;
}

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
      {"dataset.generate_seed", T::kInt, "1", "seed of the generated dataset"},
      {"dataset.generate_train", T::kInt, "0", "training videos to generate (0: the generator's default)"},
      {"dataset.generate_validation", T::kInt, "0", "validation videos to generate (0: the generator's default)"},
      {"dataset.generate_test", T::kInt, "0", "test videos to generate (0: the generator's default)"},
      {"dataset.generate_width", T::kInt, "128", "width of generated videos"},
      {"dataset.generate_height", T::kInt, "96", "height of generated videos"},
      {"dataset.generate_format", T::kString, "webm", "storage of generated videos", {"webm", "jpeg"}},
      {"dataset.storage", T::kString, "auto",
       "read videos/<id>.*, frames/<id>/ or packed shards (auto: videos or frames, whichever exists)",
       {"auto", "videos", "frames", "shards"}},
      {"dataset.shards", T::kString, "", "folder of packed shards (pack_dataset) of the split, for storage shards"},
      {"dataset.fps", T::kDouble, "12", "frame rate clips are resampled to"},
      {"dataset.frames_fps", T::kDouble, "12",
       "frame rate of JPEG frame folders (storage frames; Something-Something V2 and the generator: 12)"},
      {"dataset.labels", T::kString, "", "labels file name (empty: labels.json or the release's name)"},
      {"dataset.train", T::kString, "", "training split file name (empty: detected)"},
      {"dataset.validation", T::kString, "", "validation split file name (empty: detected)"},
      {"dataset.test", T::kString, "", "test split file name (empty: detected)"},
      {"dataset.groups", T::kString, "", "action-group file name (empty: groups.json)"},
      {"dataset.train_split", T::kString, "train", "split to train on"},
      {"dataset.eval_split", T::kString, "validation", "split to validate and predict on"},
      {"dataset.max_train_videos", T::kInt, "0", "use only the first N training videos (0: all)"},
      {"dataset.max_eval_videos", T::kInt, "0", "evaluate only the first N videos (0: all)"},
      {"dataset.pixel_scale", T::kDouble, "64", "input = pixel value / pixel_scale (the authors' code: 64)"},
      {"dataset.max_bad_fraction", T::kDouble, "0.01", "fail when more than this fraction of videos is bad"},
      {"model.preset", T::kString, "tiny", "architecture sizes (model.md)", {"paper", "small", "tiny"}},
      {"model.frames", T::kInt, "-1", "T, frames per clip (-1: the preset's)"},
      {"model.resize", T::kInt, "-1", "frames resized to this square size (-1: the preset's)"},
      {"model.crop", T::kInt, "-1", "square crop, at least 56 (-1: the preset's)"},
      {"model.width_2d", T::kInt, "-1", "c2, width of the 2D channel; 0 switches it off (-1: the preset's)"},
      {"model.width_3d", T::kInt, "-1", "c3, width of the 3D channel; 0 switches it off (-1: the preset's)"},
      {"model.lstm_hidden", T::kInt, "-1", "encoder LSTM hidden size per direction (-1: the preset's)"},
      {"model.lstm_layers", T::kInt, "2", "encoder LSTM layers (paper text: 2; authors' code: 1)"},
      {"model.decoder_hidden", T::kInt, "-1", "caption decoder LSTM hidden size (-1: the preset's)"},
      {"model.decoder_layers", T::kInt, "2", "caption decoder LSTM layers"},
      {"model.embedding", T::kInt, "256", "word embedding width"},
      {"model.caption_length", T::kInt, "14", "caption tokens including the end token (paper: 14)"},
      {"model.vocabulary_min_count", T::kInt, "1", "training-caption words seen fewer times map to unknown"},
      {"loss.classification", T::kDouble, "-1",
       "w_class (-1: the task's default, 1 for classification tasks, 0.1 for captioning)"},
      {"loss.caption", T::kDouble, "-1", "w_caption (-1: the task's default, 0 or 0.9)"},
      {"loss.score_padding", T::kBool, "false", "score padding tokens too (the authors' code does)"},
      {"optimizer.name", T::kString, "adam", "optimizer", {"adam", "sgd"}},
      {"optimizer.lr", T::kDouble, "0.001", "learning rate (paper: Adam 1e-3; authors' code: 1e-4 with plateau)"},
      {"optimizer.weight_decay", T::kDouble, "0", "L2 weight decay added to the gradient"},
      {"optimizer.momentum", T::kDouble, "0.9", "SGD momentum"},
      {"optimizer.beta1", T::kDouble, "0.9", "Adam beta1"},
      {"optimizer.beta2", T::kDouble, "0.999", "Adam beta2"},
      {"optimizer.eps", T::kDouble, "1e-8", "Adam epsilon"},
      {"optimizer.clip_grad_norm", T::kDouble, "0", "clip gradients to this global L2 norm (0: off)"},
      {"schedule.name", T::kString, "constant", "learning-rate schedule, updated after each validation",
       {"constant", "step", "plateau"}},
      {"schedule.step_size", T::kInt, "10", "step schedule: epochs between decays"},
      {"schedule.gamma", T::kDouble, "0.1", "step schedule: decay factor"},
      {"schedule.factor", T::kDouble, "0.1", "plateau schedule: lr factor on a plateau"},
      {"schedule.patience", T::kInt, "10", "plateau schedule: validations without improvement"},
      {"schedule.threshold", T::kDouble, "0.0001", "plateau schedule: relative improvement that counts"},
      {"schedule.cooldown", T::kInt, "0", "plateau schedule: validations to wait after a reduction"},
      {"schedule.min_lr", T::kDouble, "0", "plateau schedule: lower bound of the lr"},
      {"train.epochs", T::kInt, "10", "epochs to train"},
      {"train.max_steps", T::kInt, "0", "stop after this many optimizer steps (0: no limit)"},
      {"train.batch_size", T::kInt, "8", "clips per step"},
      {"train.seed", T::kInt, "0", "seed of initialisation, data order, crops and dropout"},
      {"train.workers", T::kInt, "1", "data-loading threads"},
      {"train.threads", T::kInt, "0",
       "CPU compute threads (0: all cores; the --threads flag overrides)"},
      {"train.eval_every_steps", T::kInt, "0", "validate every N steps (0: at the end of each epoch)"},
      {"train.checkpoint_every_steps", T::kInt, "0", "checkpoint every N steps (0: at each validation)"},
      {"train.keep_checkpoints", T::kInt, "3", "checkpoints kept besides the best"},
      {"train.log_every_steps", T::kInt, "10", "metrics.jsonl / TensorBoard every N steps"},
      {"train.max_nonfinite_steps", T::kInt, "5", "stop after this many non-finite steps in a row"},
      {"eval.batch_size", T::kInt, "0", "clips per evaluation batch (0: train.batch_size)"},
      {"eval.beam_width", T::kInt, "1", "caption decoding: 1 = greedy (the paper), more = beam search"},
      {"run.out", T::kString, "", "run folder (empty: runs/<config file name>; the --out flag overrides)"},
  });
  return schema;
}

TrainerConfig read_trainer_config(const ConfigValues& v, const std::filesystem::path& file) {
  TrainerConfig c;
  c.task_name = v.get_string("task");
  c.task = c.task_name == "cg_classes"    ? Task::kCoarseClasses
           : c.task_name == "fg_classes"  ? Task::kFineClasses
           : c.task_name == "so_captions" ? Task::kSimplifiedCaptions
                                          : Task::kFullCaptions;
  c.device = v.get_string("device");
  if (c.device == "auto") c.device = cuda_is_built() && cuda_device_count() > 0 ? "cuda" : "cpu";
  GRAIN_CHECK(!v.get_string("dataset.root").empty(), file.string() << ": key 'dataset.root' is required");
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
              file.string() << ": key 'dataset.shards' is required with dataset.storage: shards");
  c.fps = v.get_double("dataset.fps");
  c.frames_fps = v.get_double("dataset.frames_fps");
  GRAIN_CHECK(c.fps > 0, file.string() << ": key 'dataset.fps' must be > 0, got " << c.fps);
  GRAIN_CHECK(c.frames_fps > 0, file.string() << ": key 'dataset.frames_fps' must be > 0, got " << c.frames_fps);
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

  c.model = model_preset(v.get_string("model.preset"));
  auto preset_or = [&](const char* key, int64_t& field) {
    const int64_t value = v.get_int(key);
    GRAIN_CHECK(value >= -1, file.string() << ": key '" << key << "' must be >= 0 (or -1 for the preset's), got "
                                           << value);
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
  c.vocabulary_min_count = v.get_int("model.vocabulary_min_count");
  try {
    validate_model_config(c.model);
  } catch (const Error& e) {
    GRAIN_THROW(file.string() << ": " << e.what());
  }

  const double w_class = v.get_double("loss.classification"), w_caption = v.get_double("loss.caption");
  c.loss.classification = w_class >= 0 ? w_class : (c.is_captioning() ? 0.1 : 1.0);
  c.loss.caption = w_caption >= 0 ? w_caption : (c.is_captioning() ? 0.9 : 0.0);
  GRAIN_CHECK(c.loss.classification > 0 || c.loss.caption > 0,
              file.string() << ": keys 'loss.classification' and 'loss.caption' are both 0");
  GRAIN_CHECK(c.loss.caption == 0 || c.is_captioning(),
              file.string() << ": key 'loss.caption' is " << c.loss.caption << " but task " << c.task_name
                            << " has no captions");
  c.score_padding = v.get_bool("loss.score_padding");

  c.optimizer = v.get_string("optimizer.name");
  c.lr = v.get_double("optimizer.lr");
  GRAIN_CHECK(c.lr > 0, file.string() << ": key 'optimizer.lr' must be > 0, got " << c.lr);
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

  c.epochs = v.get_int("train.epochs");
  c.max_steps = v.get_int("train.max_steps");
  c.batch_size = v.get_int("train.batch_size");
  GRAIN_CHECK(c.batch_size >= 1, file.string() << ": key 'train.batch_size' must be >= 1, got " << c.batch_size);
  GRAIN_CHECK(c.epochs >= 1, file.string() << ": key 'train.epochs' must be >= 1, got " << c.epochs);
  c.seed = static_cast<uint64_t>(v.get_int("train.seed"));
  c.workers = static_cast<int>(v.get_int("train.workers"));
  c.threads = static_cast<int>(v.get_int("train.threads"));
  c.eval_every_steps = v.get_int("train.eval_every_steps");
  c.checkpoint_every_steps = v.get_int("train.checkpoint_every_steps");
  c.keep_checkpoints = v.get_int("train.keep_checkpoints");
  c.log_every_steps = std::max<int64_t>(1, v.get_int("train.log_every_steps"));
  c.max_nonfinite_steps = v.get_int("train.max_nonfinite_steps");
  c.eval_batch_size = v.get_int("eval.batch_size");
  if (c.eval_batch_size <= 0) c.eval_batch_size = c.batch_size;
  c.beam_width = v.get_int("eval.beam_width");
  GRAIN_CHECK(c.beam_width >= 1, file.string() << ": key 'eval.beam_width' must be >= 1, got " << c.beam_width);
  const std::string out = v.get_string("run.out");
  c.out_dir = out.empty() ? std::filesystem::path("runs") / file.stem() : std::filesystem::path(out);
  return c;
}

}  // namespace grain
