// defines: grain::EncoderSource, resolve_encoder_source, Preprocessing,
//          preprocessing_of, check_target_preprocessing, target_data_spec,
//          TargetFeatures, ExtractOptions, target_features
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
//  - Cache: FEATURES.safetensors holds h (N, D) float32 and the classes, with
//    the checkpoint's SHA-256 (of model.safetensors; for the random encoder,
//    of its description: seed and architecture), the target folder and the
//    preprocessing in its metadata. It is reused only when all three match,
//    so a rerun with the same checkpoint skips the encoder and another
//    checkpoint recomputes (and replaces) it.
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
  std::vector<int> classes;               // category index of each
  std::vector<std::string> class_names;   // the target's categories
  int64_t width = 0;                      // D = 2 x lstm_hidden
  std::vector<float> h;                   // (ids.size(), width), row-major
  std::vector<std::string> left_out;      // bad videos (no encoding)
  bool from_cache = false;
};

// The encodings of every video of the target's train.json, from cache_file
// when it is valid for this source, else extracted and written there.
TargetFeatures target_features(const EncoderSource& source, const std::filesystem::path& target,
                               const std::filesystem::path& cache_file, const ExtractOptions& options);

}  // namespace grain
