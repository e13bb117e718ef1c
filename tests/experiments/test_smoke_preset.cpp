// The smoke preset lives in configs/reproduce/smoke.yaml and is compiled into
// the experiments library: the build embeds the file as it is, and the
// preset's configs do not depend on the working directory.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "data/common/file_io.h"
#include "data/ssv2/label_view.h"
#include "experiments/reproduce.h"
#include "experiments/smoke_preset.h"

using namespace grain;
namespace fs = std::filesystem;

TEST_CASE("the compiled-in smoke preset is configs/reproduce/smoke.yaml") {
  CHECK(std::string(smoke_preset_yaml()) ==
        data::read_text_file(fs::path(GRAIN_SOURCE_DIR) / "configs" / "reproduce" / "smoke.yaml"));
}

TEST_CASE("the smoke preset gives each source task its config from any working directory") {
  const fs::path dir = fs::temp_directory_path() / ("grain-smoke-preset-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ReproduceOptions o;
  o.preset = "smoke";
  o.out = dir / "out";
  o.device = "cpu";
  const fs::path before = fs::current_path();
  for (const data::TaskLabels& task : data::source_tasks()) {
    INFO(task.task);
    std::string here_yaml, there_yaml;
    const TrainerConfig here = reproduce_task_config(o, task.task, &here_yaml);
    fs::current_path(dir);  // a folder without configs/
    const TrainerConfig there = reproduce_task_config(o, task.task, &there_yaml);
    fs::current_path(before);
    CHECK(there == here);
    CHECK(there_yaml == here_yaml);
    CHECK(here.labels == task);
    CHECK(here.dataset_root == o.out / "data" / "synth-ss");
    CHECK(here.out_dir == o.out / "runs" / task.task);
    CHECK(here.model.frames == 4);
    CHECK(here.epochs == 2);
  }
  fs::remove_all(dir);
}
