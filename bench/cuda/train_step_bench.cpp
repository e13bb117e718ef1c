// train_step_bench: one whole training step of the grain model (forward, loss,
// backward, Adam) at a preset's shapes on a chosen device, timed step by step;
// prints one JSON line. bench/cuda/pytorch_train_step.py is its PyTorch peer and
// bench/compare_gpu_train_step.py runs both alternately (make bench-gpu-step).
//
//   build/bin/train_step_bench --device cuda --preset paper --task cg_classes --mode tf32
//   build/bin/train_step_bench --device cpu --preset tiny --steps 3 --warmup 1   # smoke test
//
// The step is bench/train_step_setup.h's TrainStep (the one engine_bench's
// BM_Tiny*TrainingStep run): a fixed batch, parameters initialised with seed 0,
// Adam lr 1e-3. Clip sizes: --preset paper: batch 16, the preset's 48 frames,
// 96 x 96 crops (configs/cg_classes.yaml, configs/fg_captions.yaml); --preset
// tiny: batch 8, 8 frames, 56 x 56 (the quick start's, engine_bench's);
// --batch and --frames override.
//
// Timing: --warmup steps untimed (the first autotunes cuDNN's algorithms), then
// --steps steps, each timed on the host clock from its start until the device
// has finished it (device_runtime::synchronize), so steps do not overlap.
// clips_per_s = batch x steps / the timed steps' total; step_ms_median, step_ms_min.
//
// Memory (CUDA only; null on the CPU), all in bytes, from the engine's caching
// allocator (engine/cuda/allocator.h), through which every device tensor and
// the cuDNN workspace are allocated:
//   peak_bytes             the most bytes held at once by live blocks during the
//                          timed steps (the peak is reset after the warm-up):
//                          parameters, gradients, Adam's moments, activations,
//                          the workspace. Compare with PyTorch's
//                          torch.cuda.max_memory_allocated after the same reset.
//   peak_bytes_with_warmup the same over the whole run, cuDNN's autotuning included.
//   reserved_bytes         obtained from cudaMalloc at the end (live or cached).
//   device_used_bytes      cudaMemGetInfo's total - free at the end: the whole
//                          card's use, this process's CUDA context and library
//                          handles included (and any other process's).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "bench/train_step_setup.h"
#include "cli/flag_parser.h"
#include "engine/device.h"
#include "engine/device_runtime.h"
#include "models/model_config.h"

#if GRAIN_WITH_CUDA
#include <cuda_runtime.h>

#include "engine/cuda/allocator.h"
#include "engine/cuda/context.h"
#endif

namespace {

constexpr const char* kUsage =
    "usage: train_step_bench [--device cuda|cpu] [--preset paper|small|tiny] [--task cg_classes|fg_captions]\n"
    "                        [--mode fp32|tf32] [--batch N] [--frames T] [--steps N] [--warmup N]\n"
    "One whole training step (forward, loss, backward, Adam) of the model on a fixed batch; prints one\n"
    "JSON line: clips_per_s, step_ms_median, step_ms_min, and on CUDA the device memory in bytes\n"
    "(peak_bytes: the caching allocator's peak during the timed steps). Defaults: --device cuda\n"
    "--preset paper --task cg_classes --mode fp32 --steps 20 --warmup 3; batch and frames: the\n"
    "preset's step (paper: 16 clips of 48 frames; tiny: 8 clips of 8 frames; small: 8 clips of 24).\n"
    "--mode tf32 lets cuDNN and cuBLAS use TF32 tensor cores (CUDA only; fp32: exact float32).\n";

struct Options {
  std::string device = "cuda", preset = "paper", task = "cg_classes", mode = "fp32";
  int64_t batch = 0, frames = 0;  // 0: the preset's step
  int64_t steps = 20, warmup = 3;
};

Options parse(int argc, char** argv) {
  Options o;
  grain::cli::FlagParser flags("train_step_bench", kUsage);
  flags.choice("--device", &o.device, {"cuda", "cpu"});
  flags.text("--preset", &o.preset);
  flags.text("--task", &o.task);
  flags.choice("--mode", &o.mode, {"fp32", "tf32"});
  flags.integer("--batch", &o.batch, 1);
  flags.integer("--frames", &o.frames, 1);
  flags.integer("--steps", &o.steps, 1);
  flags.integer("--warmup", &o.warmup, 0);
  try {
    if (flags.parse(argc, argv) == grain::cli::Parsed::kExit) std::exit(0);
    if (o.mode == "tf32" && o.device == "cpu")
      throw grain::cli::UsageError("--mode tf32 needs --device cuda (the CPU backend computes in float32)");
  } catch (const grain::cli::UsageError& e) {
    std::exit(flags.usage_error(e));
  }
  return o;
}

// A JSON string literal for the few strings printed (names, device names).
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

int run(const Options& o) {
  grain::Device device = grain::Device::cpu();
  std::string device_name = "cpu";
  if (o.device == "cuda") {
#if GRAIN_WITH_CUDA
    if (grain::cuda_device_count() < 1) {
      std::fprintf(stderr, "train_step_bench: --device cuda: no CUDA device is visible\n");
      return 1;
    }
    device = grain::Device::cuda(0);
    // Explicit either way, so GRAIN_CUDA_TF32 in the environment cannot change what --mode says.
    grain::cuda::set_tf32(o.mode == "tf32");
    device_name = grain::cuda::device_name(0);
#else
    std::fprintf(stderr, "train_step_bench: --device cuda: this build has no CUDA backend "
                         "(configure with -DENGINE_CUDA=ON where nvcc and cuDNN are installed)\n");
    return 1;
#endif
  }

  grain::ModelConfig config = grain::model_preset(o.preset);
  // The preset's training step: paper as configs/*.yaml train it, tiny as the quick start.
  int64_t batch = o.preset == "paper" ? 16 : 8;
  if (o.preset == "tiny") config.frames = 8;
  if (o.batch) batch = o.batch;
  if (o.frames) config.frames = o.frames;
  grain::bench::TrainStep step(config, grain::bench::step_task(o.task), batch, device);

  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  double first_loss = NAN, last_loss = NAN;
  const Clock::time_point warmup_start = Clock::now();
  for (int64_t i = 0; i < o.warmup; ++i) {
    const double loss = step.run();
    if (i == 0) first_loss = loss;
  }
  grain::device_runtime::synchronize(device);
  const double warmup_s = seconds_since(warmup_start);
#if GRAIN_WITH_CUDA
  size_t peak_warmup = 0;
  if (device.is_cuda()) {
    peak_warmup = grain::cuda::allocator(device.index).stats().peak_bytes_in_use;
    grain::cuda::allocator(device.index).reset_peak();
  }
#endif
  std::vector<double> ms;
  for (int64_t i = 0; i < o.steps; ++i) {
    const Clock::time_point t = Clock::now();
    last_loss = step.run();
    grain::device_runtime::synchronize(device);
    ms.push_back(1e3 * seconds_since(t));
    if (o.warmup == 0 && i == 0) first_loss = last_loss;
  }
  double total_ms = 0;
  for (const double m : ms) total_ms += m;
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);

  std::string memory = "\"peak_bytes\": null, \"peak_bytes_with_warmup\": null, \"reserved_bytes\": null, "
                       "\"device_used_bytes\": null, \"memory_source\": null";
#if GRAIN_WITH_CUDA
  if (device.is_cuda()) {
    const grain::cuda::AllocatorStats s = grain::cuda::allocator(device.index).stats();
    size_t free_bytes = 0, total_bytes = 0;
    const bool info = cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess;
    memory = "\"peak_bytes\": " + std::to_string(s.peak_bytes_in_use) +
             ", \"peak_bytes_with_warmup\": " + std::to_string(std::max(peak_warmup, s.peak_bytes_in_use)) +
             ", \"reserved_bytes\": " + std::to_string(s.bytes_reserved) +
             ", \"device_used_bytes\": " + (info ? std::to_string(total_bytes - free_bytes) : std::string("null")) +
             ", \"memory_source\": \"grain caching allocator (peak in use); cudaMemGetInfo (device used)\"";
  }
#endif
  const grain::ModelConfig& c = step.config();
  std::printf(
      "{\"side\": \"engine\", \"device\": %s, \"device_name\": %s, \"preset\": %s, \"task\": %s, \"mode\": %s, "
      "\"batch\": %lld, \"frames\": %lld, \"crop\": %lld, \"warmup\": %lld, \"warmup_s\": %s, \"steps\": %lld, "
      "\"clips_per_s\": %s, \"step_ms_median\": %s, \"step_ms_min\": %s, \"loss_first\": %s, \"loss_last\": %s, "
      "%s}\n",
      quoted(device.str()).c_str(), quoted(device_name).c_str(), quoted(o.preset).c_str(), quoted(o.task).c_str(),
      quoted(o.mode).c_str(), static_cast<long long>(batch), static_cast<long long>(c.frames),
      static_cast<long long>(c.crop), static_cast<long long>(o.warmup), number(warmup_s).c_str(),
      static_cast<long long>(o.steps), number(1e3 * static_cast<double>(batch) * static_cast<double>(n) / total_ms).c_str(),
      number(median).c_str(), number(sorted.front()).c_str(), number(first_loss).c_str(), number(last_loss).c_str(),
      memory.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_step_bench: %s\n", e.what());
    return 1;
  }
}
