// The trainer's data setup: JPEG frame folders are read at the dataset's
// frame rate (dataset.frames_fps) and resampled to the clip rate
// (dataset.fps), like a video by its timestamps; a DataSpec written by hand,
// with no TrainerConfig, opens the same data. A folder whose frame t is a
// flat grey of 20 + 4 t lets the test read off which source frames a clip holds.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "data/video/jpeg.h"
#include "tests/common/temp_dir.h"
#include "train/dataset_setup.h"
#include "train/trainer_config.h"

using namespace grain;
namespace fs = std::filesystem;

namespace {

constexpr int kSourceFrames = 36;  // 3 s at 12 fps
constexpr int kSize = 64;

double grey(int t) { return 20 + 4 * t; }

void write_frame_dataset(const fs::path& root) {
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(root / name) << text; };
  write("labels.json", R"({"Dropping something": "0", "Pushing something from left to right": "1"})");
  write("groups.json", R"({"moving": ["Dropping something", "Pushing something from left to right"]})");
  write("train.json", R"([{"id": "1", "label": "dropping a pen", "template": "Dropping [something]",
    "placeholders": ["a pen"]}, {"id": "2", "label": "pushing a cup from left to right",
    "template": "Pushing [something] from left to right", "placeholders": ["a cup"]}])");
  write("validation.json", R"([{"id": "3", "label": "dropping a box", "template": "Dropping [something]",
    "placeholders": ["a box"]}])");
  write("test.json", "[]");
  for (const char* id : {"1", "2", "3"}) {
    const fs::path folder = root / "frames" / id;
    fs::create_directories(folder);
    for (int t = 0; t < kSourceFrames; ++t) {
      const std::vector<uint8_t> rgb(kSize * kSize * 3, static_cast<uint8_t>(grey(t)));
      char name[16];
      std::snprintf(name, sizeof(name), "%06d.jpg", t + 1);
      data::write_jpeg_file(folder / name, rgb.data(), kSize, kSize, 95);
    }
  }
}

// The mean of frame k of clip 0 of a batch, in pixel levels (x pixel_scale).
double frame_level(const data::Batch& batch, int k, double pixel_scale) {
  const int64_t plane = batch.shape[2] * batch.shape[3] * batch.shape[4];
  double mean = 0;
  for (int64_t i = 0; i < plane; ++i) mean += batch.float_data()[k * plane + i];
  return mean / static_cast<double>(plane) * pixel_scale;
}

}  // namespace

TEST_CASE("JPEG frame folders are resampled from dataset.frames_fps to dataset.fps", "[trainer][data]") {
  const testing::TempDir dir("frames-fps");
  const fs::path& root = dir.path();
  write_frame_dataset(root);
  const std::string yaml = "task: fg_classes\ndataset:\n  root: " + root.string() +
                           "\n  fps: 4\nmodel:\n  preset: tiny\n  frames: 4\n  resize: 64\n  crop: 56\n"
                           "train:\n  batch_size: 1\n  workers: 0\nrun:\n  out: " + (root / "run").string() + "\n";
  const TrainerConfig config = read_trainer_config(trainer_schema().parse(yaml, "test.yaml", {}), "test.yaml");
  CHECK(config.frames_fps == 12);  // the documented default
  TrainingData data = open_training_data(config, root / "vocabulary.json");
  data.eval_loader->start_epoch(0);
  const std::optional<data::Batch> batch = data.eval_loader->next();
  REQUIRE(batch);
  // 12 fps -> 4 fps keeps source frames 0, 3, ..., 33 (12 frames); the
  // evaluation clip is the centre window of 4: source frames 12, 15, 18, 21.
  for (int k = 0; k < 4; ++k) {
    CAPTURE(k);
    // pixels / 64 (dataset.pixel_scale); JPEG keeps a flat grey within 1 level.
    CHECK(std::abs(frame_level(*batch, k, 64) - grey(12 + 3 * k)) < 1.0);
  }
}

TEST_CASE("a DataSpec alone opens a dataset: splits, task, storage and preprocessing as stated", "[trainer][data]") {
  const testing::TempDir dir("data-spec");
  const fs::path& root = dir.path();
  write_frame_dataset(root);
  // The transfer's way of reading a target: its train split evaluated in
  // file order, by category, at another clip rate and scale.
  DataSpec spec;
  spec.root = root;
  spec.storage = DataStorage::kFrames;
  spec.frames_fps = 12;
  spec.train_split = spec.eval_split = "train";
  spec.task = data::task_labels("fg_classes");
  spec.clip.frames = 2;
  spec.clip.height = spec.clip.width = 64;
  spec.clip.crop_height = spec.clip.crop_width = 56;
  spec.clip.fps = 2;
  spec.clip.pixel_scale = 1;
  spec.clip.pixel_type = data::PixelType::kFloat32;
  spec.caption_length = 14;
  LoadSettings load;
  load.batch_size = 1;
  load.eval_batch_size = 2;
  TrainingData data = open_training_data(spec, load, root / "vocabulary.json");
  CHECK(data.class_names == std::vector<std::string>{"Dropping something", "Pushing something from left to right"});
  CHECK_FALSE(data.vocabulary);
  CHECK_FALSE(fs::exists(root / "vocabulary.json"));
  REQUIRE(data.eval_loader);
  data.eval_loader->start_epoch(0);
  const std::optional<data::Batch> batch = data.eval_loader->next();
  REQUIRE(batch);
  CHECK(batch->ids == std::vector<std::string>{"1", "2"});  // train.json's order
  CHECK(batch->classes(data::ClassView::kCategory) == std::vector<int32_t>{0, 1});
  // 12 fps -> 2 fps keeps source frames 0, 6, ..., 30 (6 frames); the centre
  // window of 2 is source frames 12 and 18, read at pixel scale 1.
  CHECK(std::abs(frame_level(*batch, 0, 1) - grey(12)) < 1.0);
  CHECK(std::abs(frame_level(*batch, 1, 1) - grey(18)) < 1.0);
  // A captioning task builds its vocabulary from the spec's training split.
  spec.task = data::task_labels("fg_captions");
  spec.vocabulary_min_count = 1;
  const TrainingData captions = open_training_data(spec, load, root / "vocabulary.json");
  REQUIRE(captions.vocabulary);
  CHECK(fs::exists(root / "vocabulary.json"));
  // A split the spec names that the folder lacks is an error naming it.
  spec.train_split = "training";
  CHECK_THROWS_WITH(open_training_data(spec, load, root / "other-vocabulary.json"),
                    Catch::Matchers::Contains("training"));
}
