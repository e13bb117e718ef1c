// defines: grain::TrainingData, open_training_data — the dataset side of a run
//
// Generates the specified synthetic dataset on first use, reads the
// annotations in the SSv2 layout, picks the task's label view (action group,
// category, simplified or full caption), builds or reloads the vocabulary and
// creates the training and evaluation loaders. It reads a DataSpec (what
// data, how its clips look) and LoadSettings (how it is batched), never a
// whole TrainerConfig. Nothing here knows whether the data is synthetic.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "data/loader/loader.h"
#include "data/ssv2/annotations.h"
#include "data/ssv2/label_view.h"
#include "data/ssv2/vocabulary.h"
#include "train/data_spec.h"
#include "train/trainer_config.h"

namespace grain {

struct TrainingData {
  data::DatasetLayout layout;
  data::TaskLabels task;                 // which labels the task trains (data/ssv2/label_view.h)
  std::vector<std::string> class_names;  // the task's classes (groups or categories)
  std::vector<std::string> category_names;
  std::shared_ptr<const data::Vocabulary> vocabulary;  // null for classification tasks
  std::vector<data::VideoLabel> train_videos, eval_videos;
  std::unique_ptr<data::DataLoader> train_loader, eval_loader;
  int64_t num_classes = 0;
};

// vocabulary_file: the run's vocabulary.json; reused when it exists (resume),
// built from the training captions and saved there otherwise.
// rank, world_size: the loaders give this process its slice of every global
// batch (data/loader/loader.h); only rank 0 generates data and writes the
// vocabulary.
TrainingData open_training_data(const DataSpec& data, const LoadSettings& load,
                                const std::filesystem::path& vocabulary_file, int rank = 0, int world_size = 1);

// A config's data: open_training_data(config.data_spec(), config.load_settings(), ...).
TrainingData open_training_data(const TrainerConfig& config, const std::filesystem::path& vocabulary_file,
                                int rank = 0, int world_size = 1);

}  // namespace grain
