// conv3d_bench: forward, backward-data and backward-filter of every
// convolution layer of the `paper` preset (docs/model: both channels, batch
// 16, T 48, 96x96 crops) and of user shapes, on the CUDA backend (cuDNN,
// algorithm chosen by autotuning and printed) and on the CPU backend.
//
// Reports per benchmark: time (CUDA: device events around each call,
// manual time; CPU: wall clock), TFLOP/s, percent of the card's peak for the
// math mode in use (FP32 FMA, or TF32 tensor cores with --tf32=1), workspace
// bytes; Google Benchmark supplies warm-up, repetitions, medians and JSON
// (--benchmark_repetitions, --benchmark_out=f.json --benchmark_out_format=json).
//
// Own flags (before Google Benchmark's):
//   --backend=cuda|cpu|all   (default all; CUDA is skipped with a message when no GPU)
//   --cpu_batch=N            batch of the CPU runs (default 1: the CPU is ~1000x slower)
//   --tf32=0|1               allow TF32 in cuDNN (default 0)
//   --paper=0|1              include the paper preset's shapes (default 1)
//   --shape=N,T,H,W,Cin,Cout,kT,kH,kW,pT,pH,pW   a user shape (repeatable)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "engine/autograd.h"
#include "engine/device.h"
#include "engine/ops/conv.h"
#include "engine/tensor.h"

#if GRAIN_WITH_CUDA
#include <cuda_runtime.h>

#include "engine/cuda/context.h"
#include "kernels/cuda/elementwise.h"
#endif

namespace {

using grain::Conv3dParams;
using grain::Device;
using grain::DType;
using grain::Shape;
using grain::Tensor;

struct ConvShape {
  std::string name;
  int64_t n, t, h, w, cin, cout, kt, kh, kw, pt, ph, pw;
  Shape x() const { return {n, t, h, w, cin}; }
  Shape weight() const { return {cout, kt, kh, kw, cin}; }
  Shape y() const { return {n, t + 2 * pt - kt + 1, h + 2 * ph - kh + 1, w + 2 * pw - kw + 1, cout}; }
  Conv3dParams params() const {
    Conv3dParams p;
    p.padding = {pt, ph, pw};
    return p;
  }
  // Multiply-adds x 2; the same count for all three directions.
  double flops() const {
    const Shape o = y();
    return 2.0 * o[0] * o[1] * o[2] * o[3] * cout * cin * kt * kh * kw;
  }
};

// docs/spec/model.md: conv1-3 keep the size (pad 1) then pool (1,2,2); conv4-6 are
// unpadded in space. 96 -> 48 -> 24 -> 12 -> 10 -> 8 -> 6.
std::vector<ConvShape> paper_shapes(int64_t batch) {
  std::vector<ConvShape> shapes;
  const int64_t t = 48;
  const int64_t cin[6] = {3, 32, 64, 128, 256, 256}, cout[6] = {32, 64, 128, 256, 256, 256};
  const int64_t size[6] = {96, 48, 24, 12, 10, 8};
  for (int channel3d = 1; channel3d >= 0; --channel3d)
    for (int l = 0; l < 6; ++l) {
      const int64_t kt = channel3d ? 3 : 1, pt = channel3d ? 1 : 0, ps = l < 3 ? 1 : 0;
      shapes.push_back({std::string(channel3d ? "3d" : "2d") + "_conv" + std::to_string(l + 1), batch, t, size[l],
                        size[l], cin[l], cout[l], kt, 3, 3, pt, ps, ps});
    }
  return shapes;
}

enum class Direction { kForward = 0, kBackwardData = 1, kBackwardFilter = 2 };
const char* direction_name(Direction d) {
  return d == Direction::kForward ? "fwd" : d == Direction::kBackwardData ? "bwd_data" : "bwd_filter";
}

bool g_tf32 = false;

#if GRAIN_WITH_CUDA
// Peak float32 throughput of device 0 in FLOP/s for the math mode in use.
double card_peak_flops() {
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return 0;
  int clock_khz = 0;
  cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, 0);
  // FLOP per clock per SM: FP32 FMA lanes x 2, or dense TF32 tensor-core rate.
  const int sm = prop.major * 10 + prop.minor;
  double fp32 = 256, tf32 = 1024;                     // Ampere GA10x / Ada
  if (sm == 80) fp32 = 128, tf32 = 1024;              // A100
  if (sm >= 90 && sm < 100) fp32 = 256, tf32 = 2048;  // Hopper
  if (sm >= 100) fp32 = 256, tf32 = 4096;             // Blackwell (approximate)
  return prop.multiProcessorCount * (g_tf32 ? tf32 : fp32) * clock_khz * 1e3;
}

void bench_cuda(benchmark::State& state, ConvShape s, Direction d) {
  grain::cuda::set_tf32(g_tf32);
  const Device gpu = Device::cuda();
  // Constant fills on the device: generating hundreds of millions of random
  // values on the host would dominate the run, and FP32/TF32 throughput does
  // not depend on the values (none of these are zero or denormal).
  const Tensor x = Tensor::empty(s.x(), DType::kFloat32, gpu);
  const Tensor w = Tensor::empty(s.weight(), DType::kFloat32, gpu);
  const Tensor y = Tensor::empty(s.y(), DType::kFloat32, gpu);
  cudaStream_t fill_stream = grain::cuda::context(0).stream();
  grain::kernels::cuda::fill(static_cast<float*>(x.raw_data()), 0.5f, x.numel(), fill_stream);
  grain::kernels::cuda::fill(static_cast<float*>(w.raw_data()), 0.01f, w.numel(), fill_stream);
  grain::kernels::cuda::fill(static_cast<float*>(y.raw_data()), 0.25f, y.numel(), fill_stream);
  const auto dir = static_cast<grain::ConvDirection>(static_cast<int>(d));
  // Warm-up: the first call autotunes (cudnnFind) and caches the choice.
  const grain::ConvAlgoChoice choice = grain::conv_run_direction(dir, x, w, y, s.params());
  grain::conv_run_direction(dir, x, w, y, s.params());
  cudaStream_t stream = grain::cuda::context(0).stream();
  cudaEvent_t begin, end;
  cudaEventCreate(&begin);
  cudaEventCreate(&end);
  for (auto _ : state) {
    cudaEventRecord(begin, stream);
    grain::conv_run_direction(dir, x, w, y, s.params());
    cudaEventRecord(end, stream);
    cudaEventSynchronize(end);
    float ms = 0;
    cudaEventElapsedTime(&ms, begin, end);
    state.SetIterationTime(ms / 1e3);
  }
  cudaEventDestroy(begin);
  cudaEventDestroy(end);
  const double peak = card_peak_flops();
  state.counters["TFLOPs"] = benchmark::Counter(s.flops() / 1e12, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["pct_peak"] =
      benchmark::Counter(peak > 0 ? 100.0 * s.flops() / peak : 0, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["workspace_bytes"] = static_cast<double>(choice.workspace_bytes);
  state.SetLabel(choice.algorithm + (choice.tensor_ops ? " tensor-op" : "") + (g_tf32 ? " tf32" : " fp32"));
  std::printf("conv3d_bench: %s %s -> cuDNN %s, workspace %zu bytes, math %s\n", s.name.c_str(), direction_name(d),
              choice.algorithm.c_str(), choice.workspace_bytes, g_tf32 ? "TF32 allowed" : "FP32 (FMA)");
}
#endif

void bench_cpu(benchmark::State& state, ConvShape s, Direction d) {
  const Tensor x = Tensor::uniform(s.x(), -1, 1, 1);
  const Tensor w = Tensor::uniform(s.weight(), -0.1, 0.1, 2);
  const Tensor dy = Tensor::uniform(s.y(), -1, 1, 3);
  for (auto _ : state) {
    if (d == Direction::kForward) {
      grain::NoGradGuard no_grad;
      benchmark::DoNotOptimize(grain::conv3d(x, w, Tensor(), s.params()));
    } else {
      // Time the op's own backward function only (the graph is built untimed).
      state.PauseTiming();
      Tensor xl = x.detach(), wl = w.detach();
      (d == Direction::kBackwardData ? xl : wl).set_requires_grad(true);
      const Tensor y = grain::conv3d(xl, wl, Tensor(), s.params());
      state.ResumeTiming();
      const std::vector<bool> need{d == Direction::kBackwardData, d == Direction::kBackwardFilter, false};
      benchmark::DoNotOptimize(y.impl()->grad_fn->backward({dy}, need));
    }
  }
  state.counters["TFLOPs"] = benchmark::Counter(s.flops() / 1e12, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel("cpu vol2col+gemm");
}

bool parse_shape(const std::string& text, ConvShape& s) {
  std::vector<int64_t> v;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) v.push_back(std::atoll(item.c_str()));
  if (v.size() != 12) return false;
  s = {"user_" + text, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string backend = "all";
  int64_t cpu_batch = 1;
  bool paper = true;
  std::vector<ConvShape> user;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) { return a.rfind(flag, 0) == 0 ? a.substr(std::strlen(flag)) : std::string(); };
    if (!value("--backend=").empty()) backend = value("--backend=");
    else if (!value("--cpu_batch=").empty()) cpu_batch = std::atoll(value("--cpu_batch=").c_str());
    else if (!value("--tf32=").empty()) g_tf32 = value("--tf32=") == "1";
    else if (!value("--paper=").empty()) paper = value("--paper=") == "1";
    else if (!value("--shape=").empty()) {
      ConvShape s;
      if (!parse_shape(value("--shape="), s)) {
        std::fprintf(stderr, "conv3d_bench: --shape needs 12 integers N,T,H,W,Cin,Cout,kT,kH,kW,pT,pH,pW\n");
        return 2;
      }
      user.push_back(s);
    } else rest.push_back(argv[i]);
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;

  const Direction directions[3] = {Direction::kForward, Direction::kBackwardData, Direction::kBackwardFilter};
  int registered = 0;
  const bool want_cuda = backend == "cuda" || backend == "all";
  const bool want_cpu = backend == "cpu" || backend == "all";
  if (want_cuda) {
#if GRAIN_WITH_CUDA
    if (grain::cuda_device_count() > 0) {
      std::vector<ConvShape> shapes = paper ? paper_shapes(16) : std::vector<ConvShape>{};
      shapes.insert(shapes.end(), user.begin(), user.end());
      std::printf("conv3d_bench: CUDA on %s, %s\n", grain::cuda::device_name(0), g_tf32 ? "TF32 allowed" : "FP32");
      for (const ConvShape& s : shapes)
        for (Direction d : directions) {
          benchmark::RegisterBenchmark(("cuda/" + s.name + "/" + direction_name(d)).c_str(), bench_cuda, s, d)
              ->UseManualTime()
              ->Unit(benchmark::kMillisecond);
          ++registered;
        }
    } else {
      std::printf("conv3d_bench: no CUDA device present; CUDA benchmarks skipped\n");
    }
#else
    std::printf("conv3d_bench: built without the CUDA backend; CUDA benchmarks skipped\n");
#endif
  }
  if (want_cpu) {
    std::vector<ConvShape> shapes = paper ? paper_shapes(cpu_batch) : std::vector<ConvShape>{};
    shapes.insert(shapes.end(), user.begin(), user.end());
    for (const ConvShape& s : shapes)
      for (Direction d : directions) {
        benchmark::RegisterBenchmark(("cpu/" + s.name + "/" + direction_name(d)).c_str(), bench_cpu, s, d)
            ->Unit(benchmark::kMillisecond)
            ->MeasureProcessCPUTime()
            ->UseRealTime();
        ++registered;
      }
  }
  if (registered == 0) {
    std::printf("conv3d_bench: nothing to run\n");
    return 0;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
