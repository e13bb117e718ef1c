// Render speed of synth-ss and synth-kitchen, without encoding: scene
// building (background, sprites, choreography) and frame rendering measured
// apart, over a rotating set of videos so every category is included.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "data/synth/dataset_kind.h"
#include "data/synth/dataset_writer.h"
#include "data/synth/renderer.h"

namespace synth = grain::data::synth;

namespace {

void BM_BuildScene(benchmark::State& state, const char* kind_name) {
  const auto kind = synth::make_dataset_kind(kind_name);
  const int classes = static_cast<int>(kind->classes().size());
  uint64_t i = 0;
  for (auto _ : state) {
    synth::Scene s = kind->scene(7, i, static_cast<int>(i % classes), 128, 96);
    benchmark::DoNotOptimize(s.num_frames);
    ++i;
  }
}

void BM_RenderFrame(benchmark::State& state, const char* kind_name) {
  const auto kind = synth::make_dataset_kind(kind_name);
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  std::vector<synth::Scene> scenes;
  for (int c = 0; c < static_cast<int>(kind->classes().size()); ++c) scenes.push_back(kind->scene(7, c, c, w, h));
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
  size_t k = 0;
  int t = 0;
  for (auto _ : state) {
    const synth::Scene& s = scenes[k];
    synth::render_frame(s, t, rgb.data());
    benchmark::DoNotOptimize(rgb.data());
    if (++t >= s.num_frames) t = 0, k = (k + 1) % scenes.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RenderVideo(benchmark::State& state, const char* kind_name) {
  const auto kind = synth::make_dataset_kind(kind_name);
  const int classes = static_cast<int>(kind->classes().size());
  std::vector<uint8_t> frames;
  uint64_t i = 0;
  for (auto _ : state) {
    synth::render_video(*kind, 7, i, static_cast<int>(i % classes), 128, 96, frames);
    benchmark::DoNotOptimize(frames.data());
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(BM_BuildScene, ss, "synth-ss");
BENCHMARK_CAPTURE(BM_BuildScene, kitchen, "synth-kitchen");
BENCHMARK_CAPTURE(BM_RenderFrame, ss, "synth-ss")->Args({128, 96})->Args({64, 48});
BENCHMARK_CAPTURE(BM_RenderFrame, kitchen, "synth-kitchen")->Args({128, 96});
BENCHMARK_CAPTURE(BM_RenderVideo, ss, "synth-ss");
BENCHMARK_CAPTURE(BM_RenderVideo, kitchen, "synth-kitchen");

BENCHMARK_MAIN();
