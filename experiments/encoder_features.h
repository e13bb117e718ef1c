// defines: grain::EncoderSource, resolve_encoder_source, Preprocessing,
//          preprocessing_of, check_target_preprocessing, target_data_spec,
//          TargetFeatures, ExtractOptions, target_features, feature_cache_checksum
//
// The encoder half of the transfer protocol: which encoder (a trainer
// checkpoint of any of the four tasks, or the same architecture with seeded
// random weights), how the target videos are preprocessed (always the source
// run's: frames, resize, crop, fps, pixel scale), and the video encoding h of
// every target video, extracted once and cached.
//
// Design:
//  - Only parameters named encoder.* are read from a checkpoint
//    (models/model_io.h with prefix "encoder."): the heads of the source task
//    are never touched, whatever the task.
//  - Extraction: evaluation mode (batch-norm running statistics), the
//    loader's evaluation path (centre window and centre crop), no gradient
//    recording; every video of the target's train.json (the few-shot pool),
//    labelled by its category. A bad video is left out and named.
//  - Cache: FEATURES.safetensors holds the encodings only: h (N, D) float32
//    and the ids of its rows (and the videos left out), never the labels,
//    which are read from the target's train.json on every run, so a
//    relabelling needs no re-encoding and is never missed. Its key, in the
//    metadata: the checkpoint's SHA-256 (of model.safetensors; for the
//    random encoder, of its description: seed and architecture), the
//    preprocessing, how the clips are read (storage, frame folders' rate)
//    and every video of the pool with the SHA-256 of its files (path, size,
//    content). A checksum (SHA-256 of every other field and of h's shape and
//    bytes) and checks of h's shape against the ids and the encoder's width,
//    of unique ids and of finite values catch a damaged file. A cache that
//    is damaged or does not fit the key is recomputed (and replaced), with
//    one line on stderr naming the file and why.
//  - The target's preprocessing is declared by DATA_DIR/preprocessing.json
//    when the target has one (a set stored at one size), else pinned by the
//    first transfer into a comparison folder (its preprocessing.json); a
//    checkpoint whose preset, frame count or crop disagrees is refused with
//    both named, so the encoders of one comparison all see the same clips.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "train/trainer_config.h"

namespace grain {

namespace formats {
struct SafetensorsFile;
}

struct EncoderSource {
  std::string name;                  // as given: a run folder, a checkpoint folder or "random"
  std::filesystem::path checkpoint;  // the checkpoint folder read ("" for random)
  std::string sha256;                // of checkpoint/model.safetensors; for random, of its description
  TrainerConfig config;              // the source run's config: architecture and preprocessing
  bool random = false;
  uint64_t random_seed = 0;
};

// `checkpoint`: a run folder (its best checkpoint: train/checkpointing.h's
// evaluation_checkpoint), a checkpoint folder, or "random". For random, the
// architecture and preprocessing come from `architecture` (a run or
// checkpoint folder; required) and the weights from `random_seed`.
EncoderSource resolve_encoder_source(const std::string& checkpoint, const std::filesystem::path& architecture,
                                     uint64_t random_seed);

struct Preprocessing {
  std::string preset;
  int64_t frames = 0, resize = 0, crop = 0;
  double fps = 0, pixel_scale = 0;

  nlohmann::json to_json() const;
  static Preprocessing from_json(const nlohmann::json& j, const std::string& source);
  std::string describe() const;  // "preset tiny, 4 frames, resize 64, crop 56, 12 fps"
  bool operator==(const Preprocessing&) const = default;
};
Preprocessing preprocessing_of(const TrainerConfig& config);

// Refuses (throws naming both) a source whose preset, frame count or crop
// differs from the target's declared preprocessing: target/preprocessing.json
// if present, else pin_file if present; when neither exists, writes the
// source's preprocessing to pin_file (pin_file "" = no pin).
void check_target_preprocessing(const EncoderSource& source, const std::filesystem::path& target,
                                const std::filesystem::path& pin_file);

// How every encoder of a transfer reads `target`: its train.json (the
// few-shot pool) in file order, labelled by category, with the source run's
// preprocessing (clip size, crop, frames, fps, pixel scale); never
// generated. Extraction here and the reproduction's target data both use it.
DataSpec target_data_spec(const TrainerConfig& source, const std::filesystem::path& target);

struct ExtractOptions {
  std::string device = "cpu";  // cpu | cuda | auto
  int threads = 0;             // 0: every core
  int64_t batch_size = 8;
};

struct TargetFeatures {
  std::vector<std::string> ids;           // the target's videos with an encoding, in train.json order
  std::vector<int> classes;               // category index of each (read from train.json on every call)
  std::vector<std::string> class_names;   // the target's categories
  int64_t width = 0;                      // D = 2 x lstm_hidden
  std::vector<float> h;                   // (ids.size(), width), row-major
  std::vector<std::string> left_out;      // bad videos (no encoding)
  bool from_cache = false;
};

// The checksum a feature cache stores (metadata "checksum"): SHA-256 of its
// other metadata and of each tensor's name, dtype, shape and bytes.
std::string feature_cache_checksum(const formats::SafetensorsFile& file);

// The encodings of every video of the target's train.json, from cache_file
// when it is intact and fits this source, the preprocessing and the videos'
// files, else extracted and written there; the labels are the target's of
// this call. Throws naming the flag for options.threads outside
// train/compute_threads.h's bound.
TargetFeatures target_features(const EncoderSource& source, const std::filesystem::path& target,
                               const std::filesystem::path& cache_file, const ExtractOptions& options);

}  // namespace grain
