// defines: resolve_encoder_source, Preprocessing, preprocessing_of,
//          check_target_preprocessing, target_features, feature_cache_checksum
//          (see encoder_features.h)
#include "experiments/encoder_features.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "data/common/file_io.h"
#include "data/common/json_read.h"
#include "data/formats/safetensors.h"
#include "kernels/sha256.h"
#include "engine/autograd.h"
#include "engine/device.h"
#include "engine/error.h"
#include "models/model_io.h"
#include "models/video_encoder.h"
#include "train/batch_tensors.h"
#include "train/checkpointing.h"
#include "train/compute_threads.h"
#include "train/dataset_setup.h"
#include "train/stop_request.h"

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
    s.sha256 = kernels::sha256_hex("random encoder; seed " + std::to_string(random_seed) + "; " +
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
  s.sha256 = kernels::sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
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

// 2: encodings only (the labels are read fresh on every run), keyed by each
// video's file digest, with a checksum. A version-1 file is recomputed.
const char* const kCacheVersion = "2";
const char* const kChecksumKey = "checksum";

// What the encodings of a target depend on; a cache is used only when all of it matches.
struct CacheKey {
  std::string checkpoint_sha256;
  std::string preprocessing;                  // Preprocessing::to_json().dump()
  std::string reading;                        // how the clips are read: storage, frame folders' rate
  std::map<std::string, std::string> videos;  // every video of the pool: id -> digest of its files
};

// The cached data: the encoding of every video that decoded, and the bad ones.
struct Encodings {
  std::vector<std::string> ids;       // rows of h
  int64_t width = 0;
  std::vector<float> h;               // (ids.size(), width)
  std::vector<std::string> left_out;  // the loader's descriptions of the bad videos
};

// SHA-256 of one video's files, relative to the dataset root: the video file
// (videos/<id>.*) and the JPEG frame folder (frames/<id>/), whichever exist
// (the loader reads one of them; hashing both needs no copy of its choice),
// each file's path, size and content. The content, not a size and mtime:
// a regenerated or edited file of the same size within the file system's
// time resolution, or copied with its times kept, is still seen; reading
// the pool's files costs far less than encoding them (measured in
// docs/transfer.md).
std::string video_files_digest(const data::DatasetLayout& layout, const std::string& id) {
  std::string description;
  auto add_file = [&](const fs::path& file) {
    const std::vector<uint8_t> bytes = data::read_binary_file(file);
    description += file.lexically_relative(layout.root).generic_string() + '\n' + std::to_string(bytes.size()) +
                   '\n' +
                   kernels::sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())) +
                   '\n';
  };
  const fs::path video = layout.video_path(id);
  if (fs::is_regular_file(video)) add_file(video);
  const fs::path frames = layout.frames_path(id);
  if (fs::is_directory(frames)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(frames))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) add_file(f);
  }
  if (description.empty()) description = "no files";  // the loader leaves it out, naming the path
  return kernels::sha256_hex(description);
}

}  // namespace

// Everything the file holds but the checksum itself (and the writer's
// "format"): metadata in key order, then each tensor's name, dtype, shape
// and bytes, every field length-prefixed.
std::string feature_cache_checksum(const formats::SafetensorsFile& file) {
  std::string text;
  auto add = [&](const std::string& field) { text += std::to_string(field.size()) + ':' + field; };
  for (const auto& [key, value] : file.metadata)
    if (key != kChecksumKey && key != "format") add(key), add(value);
  std::vector<const formats::SafetensorsEntry*> tensors;
  for (const auto& t : file.tensors) tensors.push_back(&t);
  std::sort(tensors.begin(), tensors.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const formats::SafetensorsEntry* t : tensors) {
    add(t->name);
    add(t->dtype);
    for (const uint64_t d : t->shape) add(std::to_string(d));
    add(t->bytes);
  }
  return kernels::sha256_hex(text);
}

namespace {

// Why the cache does not fit the key ("" when it does).
std::string key_mismatch(const formats::SafetensorsFile& file, const CacheKey& key) {
  auto meta = [&](const std::string& name) {
    const auto it = file.metadata.find(name);
    return it == file.metadata.end() ? std::string() : it->second;
  };
  if (meta("checkpoint_sha256") != key.checkpoint_sha256)
    return "it holds the encodings of another checkpoint (sha256 " + meta("checkpoint_sha256").substr(0, 16) + ")";
  if (meta("preprocessing") != key.preprocessing) return "it was written for another preprocessing";
  if (meta("reading") != key.reading) return "it was written for another way of reading the clips";
  const auto videos = data::parse_json(meta("videos"), file.source + " videos").get<std::map<std::string, std::string>>();
  for (const auto& [id, digest] : key.videos) {
    const auto it = videos.find(id);
    if (it == videos.end()) return "video " + id + " of train.json has no encoding in it";
    if (it->second != digest) return "the files of video " + id + " changed since it was written";
  }
  for (const auto& [id, digest] : videos)
    if (!key.videos.count(id)) return "it holds video " + id + ", which train.json no longer lists";
  return "";
}

// The encodings of cache_file when it is intact and fits the key. Otherwise
// one line on stderr naming the file and what was wrong (a damaged or stale
// cache is recomputed, never trusted), and nullopt.
std::optional<Encodings> read_cache(const fs::path& cache_file, const CacheKey& key, int64_t width) {
  if (!fs::exists(cache_file)) return std::nullopt;
  std::string problem;
  try {
    const formats::SafetensorsFile file = formats::read_safetensors(cache_file);
    auto meta = [&](const std::string& name) {
      const auto it = file.metadata.find(name);
      return it == file.metadata.end() ? std::string() : it->second;
    };
    if (meta("cache_version") != kCacheVersion) {
      problem = "it is of cache version " + (meta("cache_version").empty() ? "1" : meta("cache_version")) +
                ", not " + kCacheVersion;
    } else if (meta(kChecksumKey) != feature_cache_checksum(file)) {
      problem = "damaged: its checksum does not match its contents";
    } else if (problem = key_mismatch(file, key); problem.empty()) {
      Encodings e;
      e.ids = data::parse_json(meta("ids"), cache_file.string() + " ids").get<std::vector<std::string>>();
      e.left_out = data::parse_json(meta("left_out"), cache_file.string() + " left_out").get<std::vector<std::string>>();
      const formats::SafetensorsEntry& h = file.at("h");
      const std::set<std::string> unique_ids(e.ids.begin(), e.ids.end());
      // The checksum guards against damage; these guard against a file
      // written consistently but wrongly (by hand, or by a faulty writer).
      if (h.shape.size() != 2 || h.shape[0] != e.ids.size() || h.shape[1] != static_cast<uint64_t>(width)) {
        std::string shape;
        for (const uint64_t d : h.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
        problem = "damaged: h is [" + shape + "], expected [" + std::to_string(e.ids.size()) + ", " +
                  std::to_string(width) + "] (its ids x the encoder's width)";
      } else if (unique_ids.size() != e.ids.size()) {
        problem = "damaged: a video id appears twice in its ids";
      } else if (e.ids.size() + e.left_out.size() != key.videos.size() ||
                 std::any_of(e.ids.begin(), e.ids.end(), [&](const std::string& id) { return !key.videos.count(id); })) {
        problem = "damaged: its ids and left-out videos do not add up to its videos";
      } else {
        e.width = width;
        e.h = formats::safetensors_values<float>(h);
        for (size_t i = 0; i < e.h.size() && problem.empty(); ++i)
          if (!std::isfinite(e.h[i]))
            problem = "damaged: the encoding of video " + e.ids[i / static_cast<size_t>(width)] +
                      " holds a non-finite value";
        if (problem.empty()) return e;
      }
    }
  } catch (const Error& e) {
    problem = "damaged: " + e.message();
  } catch (const std::exception& e) {
    problem = std::string("damaged: ") + e.what();
  }
  std::fprintf(stderr, "transfer: feature cache %s: %s; recomputing the encodings\n", cache_file.string().c_str(),
               problem.c_str());
  return std::nullopt;
}

void write_cache(const fs::path& cache_file, const EncoderSource& source, const fs::path& target, const CacheKey& key,
                 const Encodings& e) {
  formats::SafetensorsFile file;
  file.tensors.push_back(formats::make_safetensors_entry<float>(
      "h", {static_cast<uint64_t>(e.ids.size()), static_cast<uint64_t>(e.width)}, std::span<const float>(e.h)));
  file.metadata["cache_version"] = kCacheVersion;
  file.metadata["checkpoint"] = source.random ? std::string("random") : source.checkpoint.string();
  file.metadata["checkpoint_sha256"] = key.checkpoint_sha256;
  file.metadata["target"] = fs::absolute(target).lexically_normal().string();  // for the reader; not part of the key
  file.metadata["preprocessing"] = key.preprocessing;
  file.metadata["reading"] = key.reading;
  file.metadata["videos"] = nlohmann::json(key.videos).dump();
  file.metadata["ids"] = nlohmann::json(e.ids).dump();
  file.metadata["left_out"] = nlohmann::json(e.left_out).dump();
  file.metadata[kChecksumKey] = feature_cache_checksum(file);
  if (!cache_file.parent_path().empty()) fs::create_directories(cache_file.parent_path());
  formats::write_safetensors(cache_file, file);
}

}  // namespace

DataSpec target_data_spec(const TrainerConfig& source, const fs::path& target) {
  const DataSpec from = source.data_spec();
  DataSpec d;
  d.root = target;
  d.storage = DataStorage::kAuto;
  d.frames_fps = from.frames_fps;
  d.train_split = d.eval_split = "train";
  d.task = data::task_labels("fg_classes");
  d.vocabulary_min_count = from.vocabulary_min_count;
  d.clip = from.clip;
  d.caption_length = from.caption_length;
  return d;
}

TargetFeatures target_features(const EncoderSource& source, const fs::path& target, const fs::path& cache_file,
                               const ExtractOptions& o) {
  check_thread_count("--threads", o.threads);
  const int threads = o.threads > 0 ? o.threads : std::max(1, omp_get_num_procs());
  omp_set_num_threads(threads);
  const Device dev = parse_device(o.device);
  GRAIN_CHECK(!dev.is_cuda() || dev.index < cuda_device_count(),
              "device " << dev.str() << ": "
                        << (cuda_is_built() ? std::to_string(cuda_device_count()) + " GPUs are present"
                                            : std::string("this build has no CUDA backend")));
  const DataSpec spec = target_data_spec(source.config, target);
  // The labels are read here on every run, never from the cache: a
  // relabelled or broken train.json is always seen.
  LoadSettings load;  // only the evaluation loader is read: file order, centred clips, a bad video left out
  load.batch_size = 1;
  load.eval_batch_size = o.batch_size;
  load.workers = 1;
  load.pinned_batches = dev.is_cuda();
  TrainingData data = open_training_data(spec, load, cache_file.parent_path() / "unused-vocabulary.json");
  // to_tensors reads the labels of a config's task: the target's, not the source run's.
  TrainerConfig batch_config = source.config;
  batch_config.labels = spec.task;
  GRAIN_CHECK(data.eval_loader, "target " << target.string() << ": train.json lists no videos");

  ParameterStore store(DType::kFloat32);
  VideoEncoder encoder(store, "encoder", source.config.model);
  CacheKey key;
  key.checkpoint_sha256 = source.sha256;
  key.preprocessing = preprocessing_of(source.config).to_json().dump();
  key.reading = nlohmann::json{{"storage", config_name(spec.storage)}, {"frames_fps", spec.frames_fps}}.dump();
  for (const data::VideoLabel& v : data.eval_videos) key.videos[v.id] = video_files_digest(data.layout, v.id);

  std::optional<Encodings> encodings = read_cache(cache_file, key, encoder.output_width());
  const bool from_cache = encodings.has_value();
  if (!encodings) {
    store.materialize(dev);
    encoder.reset_parameters(source.random ? source.random_seed : 0);
    if (!source.random) load_model_weights(source.checkpoint / "model.safetensors", store, "encoder.");
    Encodings& e = encodings.emplace();
    e.width = encoder.output_width();
    NoGradGuard no_grad;
    data.eval_loader->start_epoch(0);
    while (std::optional<data::Batch> batch = data.eval_loader->next()) {
      // A safe point: the cache is written only once every video is encoded.
      throw_if_stop_requested("encoding " + target.string());
      e.left_out.insert(e.left_out.end(), batch->left_out.begin(), batch->left_out.end());
      if (batch->size() == 0) continue;
      const BatchTensors t = to_tensors(*batch, batch_config, dev);
      const std::vector<double> h = encoder.forward(t.clips, {false, 0}).to(Device::cpu()).to_vector();
      e.h.insert(e.h.end(), h.begin(), h.end());
      e.ids.insert(e.ids.end(), batch->ids.begin(), batch->ids.begin() + t.size);
    }
    for (const float v : e.h)
      GRAIN_CHECK(std::isfinite(v), "checkpoint " << source.name << ": the encoder gives non-finite encodings on "
                                                  << target.string());
    write_cache(cache_file, source, target, key, e);
  }

  // The videos in train.json order, each with its label of this run.
  std::map<std::string, size_t> row_of;
  for (size_t r = 0; r < encodings->ids.size(); ++r) row_of[encodings->ids[r]] = r;
  TargetFeatures f;
  f.class_names = data.class_names;
  f.width = encodings->width;
  f.left_out = encodings->left_out;
  f.from_cache = from_cache;
  for (const data::VideoLabel& v : data.eval_videos) {
    const auto it = row_of.find(v.id);
    if (it == row_of.end()) continue;  // left out
    f.ids.push_back(v.id);
    f.classes.push_back(data::class_index(spec.task.classes, v));
    const auto row = encodings->h.begin() + static_cast<std::ptrdiff_t>(it->second * static_cast<size_t>(f.width));
    f.h.insert(f.h.end(), row, row + f.width);
  }
  return f;
}

}  // namespace grain
