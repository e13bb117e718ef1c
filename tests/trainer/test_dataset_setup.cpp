// The trainer's data setup: JPEG frame folders are read at the dataset's
// frame rate (dataset.frames_fps) and resampled to the clip rate
// (dataset.fps), like a video by its timestamps. A folder whose frame t is a
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
  const int64_t plane = batch->shape[2] * batch->shape[3] * batch->shape[4];
  for (int k = 0; k < 4; ++k) {
    double mean = 0;
    for (int64_t i = 0; i < plane; ++i) mean += batch->float_data()[k * plane + i];
    mean /= static_cast<double>(plane);
    CAPTURE(k);
    // pixels / 64 (dataset.pixel_scale); JPEG keeps a flat grey within 1 level.
    CHECK(std::abs(mean * 64 - grey(12 + 3 * k)) < 1.0);
  }
}
