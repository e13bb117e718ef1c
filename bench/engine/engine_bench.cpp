// CPU benchmarks of the engine's hot ops at the `tiny` preset's shapes
// (docs/spec/model.md: T 16, crop 56, c2 = c3 = 8, LSTM hidden 64; batch 8), reporting
// GFLOP/s (2 flops per multiply-add). Run:
//   OMP_NUM_THREADS=2 build/bin/engine_bench
// (BM_Conv3dForward/BM_Conv3dBackward: every conv layer of both encoder channels at the
// quick start's clips, 8 frames; BM_TinyTrainingStep: a whole training step of the tiny
// model, clips/s, the quick start's; BM_TinyCaptionTrainingStep: the captioning step of
// configs/tiny/fg_captions.yaml.)
// bench/compare_conv_layers.py runs the conv layers against bench/engine/pytorch_reference.py
// (make bench-cpu-conv); bench/compare_train_step.py runs the steps against
// bench/engine/pytorch_train_step.py (make bench-cpu-step).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/train_step_setup.h"
#include "engine/autograd.h"
#include "engine/ops/activation.h"
#include "engine/ops/batch_norm.h"
#include "engine/ops/conv.h"
#include "engine/ops/max_pool.h"
#include "engine/ops/lstm.h"
#include "engine/ops/reduce.h"
#include "engine/optim/optimizer.h"
#include "kernels/cpu/gemm.h"
#include "models/caption_decoder.h"
#include "models/model_config.h"
#include "models/video_encoder.h"
#include "models/video_model.h"

using namespace grain;

namespace {

constexpr int64_t kBatch = 8, kFrames = 16;

// Every conv layer of the tiny preset's encoder as the quick start and configs/tiny/*.yaml
// train it (batch 8, 8 frames, 56 x 56 crops): the 3D channel's six blocks, then the 2D
// channel's. Channel widths and kernels are read from a VideoEncoder built from
// model_preset("tiny"), so they follow the model; the paddings and input sizes follow
// models/video_encoder.cpp: time padded to keep T (3D: 1, 2D: none), space padded by 1 in
// blocks 1-3, each followed by a (1, 2, 2) max pool, unpadded in blocks 4-6.
// bench/engine/pytorch_reference.py builds the same list; bench/compare_conv_layers.py
// checks that both sides' labels (layer_label) agree.
constexpr int64_t kClipFrames = 8;

struct ConvLayer {
  std::string name;  // the parameter prefix, e.g. "cnn3d.conv1"
  int64_t cin, cout, size, kt, pad_t, pad_hw;
  bool input_is_data;  // the channel's first layer: training computes no input gradient
};

std::vector<ConvLayer> tiny_conv_layers() {
  ModelConfig config = model_preset("tiny");
  config.frames = kClipFrames;
  ParameterStore store;
  const VideoEncoder encoder(store, "encoder", config);
  std::vector<ConvLayer> layers;
  for (const char* channel : {"cnn3d", "cnn2d"}) {
    int64_t size = config.crop;
    for (int i = 0; i < 6; ++i) {
      const std::string name = std::string(channel) + ".conv" + std::to_string(i + 1);
      const std::shared_ptr<Parameter> w = store.find("encoder." + name + ".conv.weight");
      if (!w) {
        std::fprintf(stderr, "engine_bench: the tiny encoder has no parameter encoder.%s.conv.weight\n", name.c_str());
        std::exit(1);
      }
      const Shape& s = w->shape;  // (Cout, kT, kH, kW, Cin)
      const int64_t pad_hw = i < 3 ? 1 : 0;
      layers.push_back({name, s[4], s[0], size, s[1], s[1] / 2, pad_hw, i == 0});
      size = size + 2 * pad_hw - 2;
      if (i < 3) size /= 2;
    }
    if (size != encoder_final_spatial(config.crop)) {
      std::fprintf(stderr, "engine_bench: the conv layer list leaves %lld x %lld, the encoder %lld x %lld\n",
                   static_cast<long long>(size), static_cast<long long>(size),
                   static_cast<long long>(encoder_final_spatial(config.crop)),
                   static_cast<long long>(encoder_final_spatial(config.crop)));
      std::exit(1);
    }
  }
  return layers;
}

const std::vector<ConvLayer>& conv_layers() {
  static const std::vector<ConvLayer> layers = tiny_conv_layers();
  return layers;
}

// "cnn3d.conv1 3->8 @56 k3x3x3 p1,1,1 N8 T8": the same string as pytorch_reference.py's.
std::string layer_label(const ConvLayer& l) {
  return l.name + " " + std::to_string(l.cin) + "->" + std::to_string(l.cout) + " @" + std::to_string(l.size) +
         " k" + std::to_string(l.kt) + "x3x3 p" + std::to_string(l.pad_t) + "," + std::to_string(l.pad_hw) + "," +
         std::to_string(l.pad_hw) + " N" + std::to_string(kBatch) + " T" + std::to_string(kClipFrames);
}

// The forward's flops (2 per multiply-add; the bias is not counted).
double conv_flops(const ConvLayer& l) {
  const int64_t out = l.size + 2 * l.pad_hw - 2, out_t = kClipFrames + 2 * l.pad_t - l.kt + 1;
  return 2.0 * kBatch * out_t * out * out * l.cout * l.cin * l.kt * 9;
}

void BM_Gemm(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<float> a(n * n, 0.5f), b(n * n, 0.25f), c(n * n);
  for (auto _ : state) {
    kernels::gemm(false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}
BENCHMARK(BM_Gemm)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Conv3dForward(benchmark::State& state) {
  const ConvLayer& l = conv_layers()[static_cast<size_t>(state.range(0))];
  state.SetLabel(layer_label(l));
  const Tensor x = Tensor::uniform({kBatch, kClipFrames, l.size, l.size, l.cin}, -1, 1, 1);
  const Tensor w = Tensor::uniform({l.cout, l.kt, 3, 3, l.cin}, -0.1, 0.1, 2);
  const Tensor b = Tensor::zeros({l.cout});
  const Conv3dParams p{{1, 1, 1}, {l.pad_t, l.pad_hw, l.pad_hw}, {1, 1, 1}};
  NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(conv3d(x, w, b, p));
  state.counters["GFLOP/s"] =
      benchmark::Counter(conv_flops(l), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_Conv3dForward)->DenseRange(0, 11)->Unit(benchmark::kMillisecond)->UseRealTime();

// The gradients training computes for the layer, from a fixed dy: filter and bias, and the
// input's unless the input is the clip (the first layer of each channel). Timed: the conv's
// recorded backward function alone (the forward is done once, outside the loop; no loss and
// no autograd traversal), as PyTorch's side times aten::convolution_backward.
void BM_Conv3dBackward(benchmark::State& state) {
  const ConvLayer& l = conv_layers()[static_cast<size_t>(state.range(0))];
  state.SetLabel(layer_label(l) + (l.input_is_data ? " grads w,b" : " grads x,w,b"));
  Tensor x = Tensor::uniform({kBatch, kClipFrames, l.size, l.size, l.cin}, -1, 1, 1);
  Tensor w = Tensor::uniform({l.cout, l.kt, 3, 3, l.cin}, -0.1, 0.1, 2);
  Tensor b = Tensor::zeros({l.cout});
  x.set_requires_grad(!l.input_is_data);
  w.set_requires_grad(true);
  b.set_requires_grad(true);
  const Conv3dParams p{{1, 1, 1}, {l.pad_t, l.pad_hw, l.pad_hw}, {1, 1, 1}};
  const Tensor y = conv3d(x, w, b, p);
  const Tensor dy = Tensor::uniform(y.shape(), -1, 1, 3);
  const Node& node = *y.impl()->grad_fn;
  for (auto _ : state) benchmark::DoNotOptimize(node.backward({dy}, node.needs_input_grad));
  // Data + filter gradients: twice the forward's multiply-adds; the filter's alone for the
  // first layers (the bias gradient, a sum of dy, is not counted).
  state.counters["GFLOP/s"] =
      benchmark::Counter((l.input_is_data ? 1 : 2) * conv_flops(l), benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1000);
}
BENCHMARK(BM_Conv3dBackward)->DenseRange(0, 11)->Unit(benchmark::kMillisecond)->UseRealTime();

// The encoder's LSTM at the tiny preset: 2 layers, bidirectional, hidden 64, 128 inputs, T 16.
std::vector<Tensor> lstm_weights(bool requires_grad) {
  std::vector<Tensor> w;
  uint64_t seed = 10;
  for (int64_t l = 0; l < 2; ++l)
    for (int64_t d = 0; d < 2; ++d) {
      const int64_t in = l == 0 ? 128 : 128;
      for (const Shape& s : {Shape{256, in}, Shape{256, 64}, Shape{256}, Shape{256}}) {
        Tensor t = Tensor::uniform(s, -0.125, 0.125, seed++);
        t.set_requires_grad(requires_grad);
        w.push_back(t);
      }
    }
  return w;
}

double lstm_flops() {  // per layer and direction: 2 (in + H) 4H multiply-adds per step and sample
  return 2.0 * 2 * 2 * kBatch * kFrames * (128 + 64) * 256;
}

void BM_LstmForward(benchmark::State& state) {
  const Tensor x = Tensor::uniform({kBatch, kFrames, 128}, -1, 1, 3);
  const std::vector<Tensor> w = lstm_weights(false);
  NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(lstm(x, Tensor(), Tensor(), w, {2, 64, true}).output);
  state.counters["GFLOP/s"] =
      benchmark::Counter(lstm_flops(), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_LstmForward)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LstmBackward(benchmark::State& state) {
  Tensor x = Tensor::uniform({kBatch, kFrames, 128}, -1, 1, 3);
  x.set_requires_grad(true);
  const std::vector<Tensor> w = lstm_weights(true);
  for (auto _ : state) {
    state.PauseTiming();
    const Tensor loss = sum(lstm(x, Tensor(), Tensor(), w, {2, 64, true}).output);
    state.ResumeTiming();
    loss.backward();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2 * lstm_flops(), benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}
BENCHMARK(BM_LstmBackward)->Unit(benchmark::kMillisecond)->UseRealTime();

// The elementwise ops around conv1 of the quick start's step (8 clips, 8
// frames, 56 x 56, 8 channels: the step's largest activation), as the step
// runs them: batch_norm -> relu -> max pool (1,2,2). Timed: the op's forward
// and its recorded backward function called on a fixed dy (no loss, no
// autograd traversal), so only the op's own kernels and outputs are counted.
Tensor elementwise_input(bool requires_grad) {
  Tensor x = Tensor::uniform({kBatch, 8, 56, 56, 8}, -2, 2, 11);
  x.set_requires_grad(requires_grad);
  return x;
}

template <typename Op>
void run_forward_backward(benchmark::State& state, const Tensor& x, Op op) {
  const Tensor dy = Tensor::uniform(op(x.detach()).shape(), -1, 1, 12);
  for (auto _ : state) {
    const Tensor y = op(x);
    const Node& node = *y.impl()->grad_fn;
    benchmark::DoNotOptimize(node.backward({dy}, node.needs_input_grad));
  }
  state.counters["Melem/s"] = benchmark::Counter(static_cast<double>(x.numel()) / 1e6,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ReluForwardBackward(benchmark::State& state) {
  run_forward_backward(state, elementwise_input(true), [](const Tensor& t) { return relu(t); });
}
BENCHMARK(BM_ReluForwardBackward)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MaxPoolForwardBackward(benchmark::State& state) {
  run_forward_backward(state, elementwise_input(true), [](const Tensor& t) { return max_pool3d(t, {1, 2, 2}); });
}
BENCHMARK(BM_MaxPoolForwardBackward)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BatchNormForwardBackward(benchmark::State& state) {
  Tensor gamma = Tensor::ones({8}), beta = Tensor::zeros({8});
  gamma.set_requires_grad(true);
  beta.set_requires_grad(true);
  Tensor running_mean = Tensor::zeros({8}), running_var = Tensor::ones({8});
  run_forward_backward(state, elementwise_input(true), [&](const Tensor& t) {
    return batch_norm(t, gamma, beta, running_mean, running_var, {true, 0.1, 1e-5});
  });
}
BENCHMARK(BM_BatchNormForwardBackward)->Unit(benchmark::kMillisecond)->UseRealTime();

// One whole training step of the tiny VideoModel at the quick start's clip
// size (configs/quickstart.yaml: 8 frames, 56 x 56 crops, batch 8, 10
// classes): forward, backward, Adam. Reports clips/s. The model, Adam and the
// fixed batch are bench/train_step_setup.h's TrainStep (parameters seed 0),
// which bench/cuda/train_step_bench runs too.
void run_tiny_step(benchmark::State& state, const char* task) {
  ModelConfig config = model_preset("tiny");
  config.frames = 8;
  bench::TrainStep step(config, bench::step_task(task), kBatch, Device::cpu());
  for (auto _ : state) step.run();
  state.counters["clips/s"] = benchmark::Counter(static_cast<double>(kBatch), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_TinyTrainingStep(benchmark::State& state) { run_tiny_step(state, "cg_classes"); }
BENCHMARK(BM_TinyTrainingStep)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

// One whole captioning training step of the tiny VideoModel as configs/tiny/fg_captions.yaml
// trains it: 8 frames, 56 x 56 crops, batch 8; the classifier over the 34 categories of
// synth-ss and the caption decoder over its full-caption vocabulary (84 words + the 4
// special tokens), 14 tokens with teacher forcing; loss 1.0 x cross-entropy + 0.0773 x the
// caption NLL; forward, backward, Adam. Reports clips/s. The captions are fixed and
// deterministic (5 to 12 words, then the end token and padding), like real ones.
void BM_TinyCaptionTrainingStep(benchmark::State& state) { run_tiny_step(state, "fg_captions"); }
BENCHMARK(BM_TinyCaptionTrainingStep)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
