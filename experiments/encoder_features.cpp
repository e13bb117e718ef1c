// defines: resolve_encoder_source, Preprocessing, preprocessing_of,
//          check_target_preprocessing, target_features (see encoder_features.h)
#include "experiments/encoder_features.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "data/common/file_io.h"
#include "data/common/json_read.h"
#include "data/formats/safetensors.h"
#include "data/formats/sha256.h"
#include "engine/autograd.h"
#include "engine/device.h"
#include "engine/error.h"
#include "models/model_io.h"
#include "models/video_encoder.h"
#include "train/batch_tensors.h"
#include "train/checkpointing.h"
#include "train/dataset_setup.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

// The trainer config a checkpoint folder was written with (its state.json).
TrainerConfig checkpoint_config(const fs::path& checkpoint) {
  const fs::path state_file = checkpoint / "state.json";
  GRAIN_CHECK(fs::exists(state_file), checkpoint.string() << " has no state.json: not a trainer checkpoint");
  const nlohmann::json state = data::parse_json(data::read_text_file(state_file), state_file.string());
  GRAIN_CHECK(state.contains("config") && state["config"].is_string(),
              state_file.string() << ": no \"config\" (the effective trainer config)");
  const std::string yaml = state["config"].get<std::string>();
  const ConfigValues values = trainer_schema().parse(yaml, state_file.string() + " (config)", {});
  return read_trainer_config(values, state_file);
}

}  // namespace

EncoderSource resolve_encoder_source(const std::string& checkpoint, const fs::path& architecture,
                                     uint64_t random_seed) {
  EncoderSource s;
  s.name = checkpoint;
  if (checkpoint == "random") {
    GRAIN_CHECK(!architecture.empty(),
                "--checkpoint random: the random encoder needs an architecture; pass --architecture RUN_OR_CKPT "
                "(a run whose architecture and preprocessing it copies; its weights are not read)");
    s.random = true;
    s.random_seed = random_seed;
    s.config = checkpoint_config(evaluation_checkpoint(architecture));
    const ModelConfig& m = s.config.model;
    // The description hashed: everything that determines the random encoder's weights and clips.
    s.sha256 = formats::sha256_hex("random encoder; seed " + std::to_string(random_seed) + "; " +
                                   preprocessing_of(s.config).describe() + "; widths " + std::to_string(m.width_2d) +
                                   "/" + std::to_string(m.width_3d) + "; lstm " + std::to_string(m.lstm_hidden) +
                                   " x " + std::to_string(m.lstm_layers));
    return s;
  }
  s.checkpoint = evaluation_checkpoint(checkpoint);
  s.config = checkpoint_config(s.checkpoint);
  const fs::path weights = s.checkpoint / "model.safetensors";
  GRAIN_CHECK(fs::exists(weights), s.checkpoint.string() << " has no model.safetensors");
  const std::vector<uint8_t> bytes = data::read_binary_file(weights);
  s.sha256 = formats::sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return s;
}

nlohmann::json Preprocessing::to_json() const {
  return {{"preset", preset}, {"frames", frames}, {"resize", resize}, {"crop", crop}, {"fps", fps},
          {"pixel_scale", pixel_scale}};
}

Preprocessing Preprocessing::from_json(const nlohmann::json& j, const std::string& source) {
  try {
    Preprocessing p;
    p.preset = j.at("preset").get<std::string>();
    p.frames = j.at("frames").get<int64_t>();
    p.resize = j.at("resize").get<int64_t>();
    p.crop = j.at("crop").get<int64_t>();
    p.fps = j.at("fps").get<double>();
    p.pixel_scale = j.at("pixel_scale").get<double>();
    return p;
  } catch (const nlohmann::json::exception& e) {
    GRAIN_THROW(source << ": " << e.what()
                       << " (expected {\"preset\", \"frames\", \"resize\", \"crop\", \"fps\", \"pixel_scale\"})");
  }
}

std::string Preprocessing::describe() const {
  char fps_text[32];
  std::snprintf(fps_text, sizeof(fps_text), "%g", fps);
  return "preset " + preset + ", " + std::to_string(frames) + " frames, resize " + std::to_string(resize) +
         ", crop " + std::to_string(crop) + ", " + fps_text + " fps";
}

Preprocessing preprocessing_of(const TrainerConfig& c) {
  return {c.model.preset, c.model.frames, c.model.resize, c.model.crop, c.fps, c.pixel_scale};
}

void check_target_preprocessing(const EncoderSource& source, const fs::path& target, const fs::path& pin_file) {
  const Preprocessing mine = preprocessing_of(source.config);
  fs::path declared = target / "preprocessing.json";
  if (!fs::exists(declared)) declared = pin_file;
  if (declared.empty()) return;
  if (!fs::exists(declared)) {
    fs::create_directories(declared.parent_path());
    data::write_file_atomic(declared, mine.to_json().dump(2) + "\n");
    return;
  }
  const Preprocessing theirs =
      Preprocessing::from_json(data::parse_json(data::read_text_file(declared), declared.string()), declared.string());
  GRAIN_CHECK(mine.preset == theirs.preset && mine.frames == theirs.frames && mine.crop == theirs.crop,
              "checkpoint " << source.name << " does not fit the target " << target.string() << ": the checkpoint's "
                            << "preprocessing is " << mine.describe() << ", the target's (" << declared.string()
                            << ") is " << theirs.describe()
                            << "; the encoders of one comparison must see the same clips (use another --out for "
                               "another preprocessing)");
}

namespace {

const char* const kCacheVersion = "1";

std::optional<TargetFeatures> read_cache(const fs::path& cache_file, const EncoderSource& source,
                                         const fs::path& target) {
  if (!fs::exists(cache_file)) return std::nullopt;
  try {
    const formats::SafetensorsFile file = formats::read_safetensors(cache_file);
    auto meta = [&](const std::string& key) {
      const auto it = file.metadata.find(key);
      return it == file.metadata.end() ? std::string() : it->second;
    };
    if (meta("cache_version") != kCacheVersion || meta("checkpoint_sha256") != source.sha256 ||
        meta("target") != fs::absolute(target).lexically_normal().string() ||
        meta("preprocessing") != preprocessing_of(source.config).to_json().dump())
      return std::nullopt;
    TargetFeatures f;
    f.from_cache = true;
    f.ids = data::parse_json(meta("ids"), cache_file.string() + " ids").get<std::vector<std::string>>();
    f.class_names =
        data::parse_json(meta("class_names"), cache_file.string() + " class_names").get<std::vector<std::string>>();
    f.left_out = data::parse_json(meta("left_out"), cache_file.string() + " left_out").get<std::vector<std::string>>();
    const formats::SafetensorsEntry& h = file.at("h");
    GRAIN_CHECK(h.shape.size() == 2 && h.shape[0] == f.ids.size(), cache_file.string() << ": h has the wrong shape");
    f.width = static_cast<int64_t>(h.shape[1]);
    f.h = formats::safetensors_values<float>(h);
    for (const int64_t c : formats::safetensors_values<int64_t>(file.at("classes"))) f.classes.push_back(static_cast<int>(c));
    GRAIN_CHECK(f.classes.size() == f.ids.size(), cache_file.string() << ": classes and ids differ in count");
    return f;
  } catch (const std::exception& e) {
    // A damaged cache is recomputed, never trusted.
    std::fprintf(stderr, "transfer: ignoring the feature cache %s: %s\n", cache_file.string().c_str(), e.what());
    return std::nullopt;
  }
}

void write_cache(const fs::path& cache_file, const EncoderSource& source, const fs::path& target,
                 const TargetFeatures& f) {
  formats::SafetensorsFile file;
  const std::vector<int64_t> classes(f.classes.begin(), f.classes.end());
  file.tensors.push_back(formats::make_safetensors_entry<float>(
      "h", {static_cast<uint64_t>(f.ids.size()), static_cast<uint64_t>(f.width)}, std::span<const float>(f.h)));
  file.tensors.push_back(formats::make_safetensors_entry<int64_t>("classes", {static_cast<uint64_t>(classes.size())},
                                                                  std::span<const int64_t>(classes)));
  file.metadata["cache_version"] = kCacheVersion;
  file.metadata["checkpoint"] = source.random ? std::string("random") : source.checkpoint.string();
  file.metadata["checkpoint_sha256"] = source.sha256;
  file.metadata["target"] = fs::absolute(target).lexically_normal().string();
  file.metadata["preprocessing"] = preprocessing_of(source.config).to_json().dump();
  file.metadata["ids"] = nlohmann::json(f.ids).dump();
  file.metadata["class_names"] = nlohmann::json(f.class_names).dump();
  file.metadata["left_out"] = nlohmann::json(f.left_out).dump();
  if (!cache_file.parent_path().empty()) fs::create_directories(cache_file.parent_path());
  formats::write_safetensors(cache_file, file);
}

// The trainer config that reads the target with the source's preprocessing:
// every video of train.json, in file order, evaluation mode, by category.
TrainerConfig target_config(const TrainerConfig& source, const fs::path& target, const ExtractOptions& o,
                            const std::string& device) {
  TrainerConfig c = source;
  c.task_name = "fg_classes";
  c.labels = data::task_labels("fg_classes");
  c.dataset_root = target;
  c.generate.clear();
  c.storage = "auto";
  c.shards_dir.clear();
  c.labels_file = c.train_file = c.validation_file = c.test_file = c.groups_file = "";
  c.train_split = c.eval_split = "train";
  c.max_train_videos = c.max_eval_videos = 0;
  c.batch_size = 1;
  c.eval_batch_size = o.batch_size;
  c.workers = 1;
  c.fail_on_bad_eval_video = false;
  c.device = device;
  c.init_from.clear();
  c.freeze_encoder = false;
  return c;
}

}  // namespace

TargetFeatures target_features(const EncoderSource& source, const fs::path& target, const fs::path& cache_file,
                               const ExtractOptions& o) {
  if (std::optional<TargetFeatures> cached = read_cache(cache_file, source, target)) return *cached;

  const int threads = o.threads > 0 ? o.threads : std::max(1, omp_get_num_procs());
  omp_set_num_threads(threads);
  const Device dev = parse_device(o.device);
  GRAIN_CHECK(!dev.is_cuda() || dev.index < cuda_device_count(),
              "device " << dev.str() << ": "
                        << (cuda_is_built() ? std::to_string(cuda_device_count()) + " GPUs are present"
                                            : std::string("this build has no CUDA backend")));
  const TrainerConfig c = target_config(source.config, target, o, dev.is_cuda() ? "cuda" : "cpu");
  TrainingData data = open_training_data(c, cache_file.parent_path() / "unused-vocabulary.json");
  GRAIN_CHECK(data.eval_loader, "target " << target.string() << ": train.json lists no videos");

  ParameterStore store(DType::kFloat32);
  VideoEncoder encoder(store, "encoder", source.config.model);
  store.materialize(dev);
  encoder.reset_parameters(source.random ? source.random_seed : 0);
  if (!source.random) load_model_weights(source.checkpoint / "model.safetensors", store, "encoder.");

  TargetFeatures f;
  f.class_names = data.class_names;
  f.width = encoder.output_width();
  NoGradGuard no_grad;
  data.eval_loader->start_epoch(0);
  while (std::optional<data::Batch> batch = data.eval_loader->next()) {
    f.left_out.insert(f.left_out.end(), batch->left_out.begin(), batch->left_out.end());
    if (batch->size() == 0) continue;
    const BatchTensors t = to_tensors(*batch, c, dev);
    const std::vector<double> h = encoder.forward(t.clips, {false, 0}).to(Device::cpu()).to_vector();
    f.h.insert(f.h.end(), h.begin(), h.end());
    const std::vector<int32_t>& classes = batch->classes(c.labels.classes);
    for (int64_t n = 0; n < t.size; ++n) {
      f.ids.push_back(batch->ids[static_cast<size_t>(n)]);
      f.classes.push_back(classes[static_cast<size_t>(n)]);
    }
  }
  for (const float v : f.h)
    GRAIN_CHECK(std::isfinite(v), "checkpoint " << source.name << ": the encoder gives non-finite encodings on "
                                                << target.string());
  write_cache(cache_file, source, target, f);
  return f;
}

}  // namespace grain
