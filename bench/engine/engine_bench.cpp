// CPU benchmarks of the engine's hot ops at the `tiny` preset's shapes
// (docs/spec/model.md: T 16, crop 56, c2 = c3 = 8, LSTM hidden 64; batch 8), reporting
// GFLOP/s (2 flops per multiply-add). Run:
//   OMP_NUM_THREADS=2 build/bin/engine_bench
// (BM_TinyTrainingStep: a whole training step of the tiny model, clips/s, the quick start's;
// BM_TinyCaptionTrainingStep: the captioning step of configs/tiny/fg_captions.yaml.
// bench/compare_train_step.py runs both against bench/engine/pytorch_train_step.py.)
// bench/engine/pytorch_reference.py times PyTorch's CPU ops on the same
// shapes for comparison (docs/performance.md).
#include <benchmark/benchmark.h>

#include <memory>

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
#include "models/video_model.h"

using namespace grain;

namespace {

constexpr int64_t kBatch = 8, kFrames = 16;

struct ConvShape {
  const char* name;
  int64_t cin, cout, size, kt, pad_t, pad_hw;
};

// The 3D channel's six layers of the tiny preset (the 2D channel is the same with kt = 1).
const ConvShape kConvShapes[] = {
    {"conv1 3->8 @56", 3, 8, 56, 3, 1, 1},   {"conv2 8->16 @28", 8, 16, 28, 3, 1, 1},
    {"conv3 16->32 @14", 16, 32, 14, 3, 1, 1}, {"conv4 32->64 @7", 32, 64, 7, 3, 1, 0},
    {"conv5 64->64 @5", 64, 64, 5, 3, 1, 0},   {"conv6 64->64 @3", 64, 64, 3, 3, 1, 0},
};

double conv_flops(const ConvShape& s) {
  const int64_t out = s.size + 2 * s.pad_hw - 2;
  return 2.0 * kBatch * kFrames * out * out * s.cout * s.cin * s.kt * 9;
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
  const ConvShape& s = kConvShapes[state.range(0)];
  state.SetLabel(s.name);
  const Tensor x = Tensor::uniform({kBatch, kFrames, s.size, s.size, s.cin}, -1, 1, 1);
  const Tensor w = Tensor::uniform({s.cout, s.kt, 3, 3, s.cin}, -0.1, 0.1, 2);
  const Tensor b = Tensor::zeros({s.cout});
  const Conv3dParams p{{1, 1, 1}, {s.pad_t, s.pad_hw, s.pad_hw}, {1, 1, 1}};
  NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(conv3d(x, w, b, p));
  state.counters["GFLOP/s"] =
      benchmark::Counter(conv_flops(s), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_Conv3dForward)->DenseRange(0, 5)->Unit(benchmark::kMillisecond)->UseRealTime();

// Backward data + filter + bias (the forward is done once, outside the loop).
void BM_Conv3dBackward(benchmark::State& state) {
  const ConvShape& s = kConvShapes[state.range(0)];
  state.SetLabel(s.name);
  Tensor x = Tensor::uniform({kBatch, kFrames, s.size, s.size, s.cin}, -1, 1, 1);
  Tensor w = Tensor::uniform({s.cout, s.kt, 3, 3, s.cin}, -0.1, 0.1, 2);
  Tensor b = Tensor::zeros({s.cout});
  x.set_requires_grad(true);
  w.set_requires_grad(true);
  b.set_requires_grad(true);
  const Conv3dParams p{{1, 1, 1}, {s.pad_t, s.pad_hw, s.pad_hw}, {1, 1, 1}};
  for (auto _ : state) {
    state.PauseTiming();
    const Tensor loss = sum(conv3d(x, w, b, p));
    state.ResumeTiming();
    loss.backward();
  }
  // Backward = data + filter gradients: twice the forward's multiply-adds.
  state.counters["GFLOP/s"] = benchmark::Counter(2 * conv_flops(s), benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}
BENCHMARK(BM_Conv3dBackward)->DenseRange(0, 5)->Unit(benchmark::kMillisecond)->UseRealTime();

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
// classes): forward, backward, Adam. Reports clips/s.
// The tiny model at the quick start's clip size (8 frames, 56 x 56), its
// parameters initialised with seed 0, Adam, and one fixed batch of clips:
// what both training-step benchmarks step.
struct TinyStep {
  ParameterStore store;
  std::unique_ptr<VideoModel> model;
  std::unique_ptr<Adam> adam;
  Tensor clips = Tensor::uniform({kBatch, 8, 56, 56, 3}, 0, 4, 5);

  explicit TinyStep(ModelConfig config) {
    config.frames = 8;
    model = std::make_unique<VideoModel>(store, config);
    store.materialize();
    model->reset_parameters(0);
    adam = std::make_unique<Adam>(store, AdamOptions{1e-3});
  }
};

void BM_TinyTrainingStep(benchmark::State& state) {
  ModelConfig config = model_preset("tiny");
  config.num_classes = 10;
  TinyStep s(config);
  ParameterStore& store = s.store;
  VideoModel& model = *s.model;
  Adam& adam = *s.adam;
  const Tensor& clips = s.clips;
  std::vector<int64_t> labels(kBatch);
  for (int64_t i = 0; i < kBatch; ++i) labels[static_cast<size_t>(i)] = i % 10;
  const Tensor targets = Tensor::from_indices(labels, {kBatch});
  for (auto _ : state) {
    store.zero_grad();
    const LossParts loss = model_loss(model.forward(clips, Tensor(), {true, 0}), targets, Tensor(), Tensor(), {1, 0});
    loss.total.backward();
    adam.step();
  }
  state.counters["clips/s"] = benchmark::Counter(static_cast<double>(kBatch), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_TinyTrainingStep)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

// One whole captioning training step of the tiny VideoModel as configs/tiny/fg_captions.yaml
// trains it: 8 frames, 56 x 56 crops, batch 8; the classifier over the 34 categories of
// synth-ss and the caption decoder over its full-caption vocabulary (84 words + the 4
// special tokens), 14 tokens with teacher forcing; loss 1.0 x cross-entropy + 0.0773 x the
// caption NLL; forward, backward, Adam. Reports clips/s. The captions are fixed and
// deterministic (5 to 12 words, then the end token and padding), like real ones.
void BM_TinyCaptionTrainingStep(benchmark::State& state) {
  constexpr int64_t kClasses = 34, kVocabulary = 88, kLength = 14;
  constexpr int32_t kPad = 0, kStart = 1, kEnd = 2, kFirstWord = 4;
  ModelConfig config = model_preset("tiny");
  config.num_classes = kClasses;
  config.vocabulary = kVocabulary;
  config.caption_length = kLength;
  TinyStep s(config);
  ParameterStore& store = s.store;
  VideoModel& model = *s.model;
  Adam& adam = *s.adam;
  const Tensor& clips = s.clips;
  std::vector<int64_t> labels(kBatch);
  std::vector<int32_t> tokens(static_cast<size_t>(kBatch * kLength), kPad);
  for (int64_t i = 0; i < kBatch; ++i) {
    labels[static_cast<size_t>(i)] = (7 * i) % kClasses;
    const int64_t words = 5 + i;  // 5 to 12 words, then <end>
    for (int64_t k = 0; k < words; ++k)
      tokens[static_cast<size_t>(i * kLength + k)] =
          static_cast<int32_t>(kFirstWord + (11 * i + 5 * k) % (kVocabulary - kFirstWord));
    tokens[static_cast<size_t>(i * kLength + words)] = kEnd;
  }
  const Tensor classes = Tensor::from_indices(labels, {kBatch});
  const TeacherForcingBatch captions =
      teacher_forcing_batch(tokens, kBatch, kLength, kStart, kPad, false, Device::cpu());
  const LossWeights weights{1.0, 0.0773};
  for (auto _ : state) {
    store.zero_grad();
    const ModelOutput out = model.forward(clips, captions.inputs, {true, 0});
    const LossParts loss = model_loss(out, classes, captions.targets, captions.mask, weights);
    loss.total.backward();
    adam.step();
  }
  state.counters["clips/s"] = benchmark::Counter(static_cast<double>(kBatch), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_TinyCaptionTrainingStep)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
