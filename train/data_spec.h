// defines: grain::DataSpec, GeneratedData, DataStorage, LoadSettings — what a
//          run reads, separate from how it trains
//
// Opening a dataset (train/dataset_setup.h) needs the folder, its layout and
// storage, the splits, the task's labels and the clips' preprocessing; it
// does not need an optimizer or a run folder. DataSpec holds exactly that,
// so a caller that reads data without training (feature extraction, the
// reproduction's data stages) states it in one place instead of copying a
// whole TrainerConfig and overwriting the fields it does not want.
// TrainerConfig::data_spec() and load_settings() derive both from a config.
// No field has a default of its own (each starts at zero; ClipSpec's are the
// loader's): the schema's defaults reach them through the config.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "data/loader/preprocess.h"
#include "data/ssv2/label_view.h"
#include "data/synth/dataset_writer.h"

namespace grain {

// dataset.storage: where the clips are read from.
enum class DataStorage {
  kAuto,    // videos/<id>.* when root/videos exists, else frames/<id>/
  kVideos,  // video files, decoded (FFmpeg)
  kFrames,  // folders of JPEG frames stored at DataSpec::frames_fps
  kShards,  // packed shards (tools/pack_dataset) in DataSpec::shards_dir
};

// A synthetic dataset written into DataSpec::root on first use, i.e. when
// the folder has no labels.json (dataset.generate*).
struct GeneratedData {
  std::string kind;  // a data::synth dataset kind ("synth-ss", "synth-kitchen"); "": never generate
  uint64_t seed{};
  int64_t train{}, validation{}, test{};  // videos per split; 0: the kind's default
  int width{}, height{};
  data::synth::VideoFormat format{};
};

struct DataSpec {
  std::filesystem::path root;  // the dataset folder (Something-Something V2 layout)
  GeneratedData generate;
  // File names inside root that replace the detected layout ("": detected).
  std::string labels_file, train_file, validation_file, test_file, groups_file;
  DataStorage storage{};
  std::filesystem::path shards_dir;  // for DataStorage::kShards
  double frames_fps{};               // the rate JPEG frame folders were stored at
  std::string train_split, eval_split;
  int64_t max_train_videos{}, max_eval_videos{};      // the first N of the split; 0: all
  data::TaskLabels task;                              // which labels are read (and captions tokenised)
  int64_t vocabulary_min_count{};
  // Preprocessing: every clip is decoded at clip.fps, resized to
  // clip.height x clip.width, cropped and scaled.
  data::ClipSpec clip;
  int caption_length{};  // L, tokens per caption including the end token
};

// How the loaders batch a DataSpec's videos (and generate missing data).
struct LoadSettings {
  int64_t batch_size{}, eval_batch_size{};  // global batches
  uint64_t seed{};                          // order, windows and crops
  int workers{};                            // loader threads (0: on the caller's thread)
  double max_bad_fraction{};                // training: fail above this fraction of bad videos
  bool fail_on_bad_eval_video{};            // evaluation: the first bad video stops (else left out)
  bool pinned_batches{};                    // page-locked batch buffers (a CUDA run)
  int threads{};                            // threads generating a missing dataset (0: every core)
};

}  // namespace grain
