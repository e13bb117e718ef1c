// The whole model end to end: a directional gradient check of the tiny
// preset in float64, overfitting a handful of clips (classification and
// captioning), and decoding.
#include <catch2/catch.hpp>

#include <cmath>

#include "engine/autograd.h"
#include "engine/optim/optimizer.h"
#include "models/video_model.h"

using namespace grain;

namespace {

struct Batch {
  Tensor clips, classes, inputs, targets, mask;
};

// n clips of T frames, each a different random video with its own class and a
// 4-word caption (w, w+1, w+2, end) padded to length 6.
Batch make_batch(int64_t n, int64_t frames, int64_t vocab, DType dtype) {
  Batch b;
  b.clips = Tensor::uniform({n, frames, 56, 56, 3}, 0, 2, 77, dtype);
  std::vector<int64_t> classes, inputs, targets;
  std::vector<double> mask;
  for (int64_t i = 0; i < n; ++i) {
    classes.push_back(i % 3);
    const std::vector<int64_t> words = {4 + i, 5 + i, 6 + i, 2, 0, 0};  // end = 2, pad = 0
    int64_t previous = 1;                                                 // start = 1
    for (int64_t w : words) {
      inputs.push_back(previous);
      targets.push_back(w);
      mask.push_back(w == 0 ? 0.0 : 1.0);
      previous = w;
    }
  }
  REQUIRE(vocab > 4 + n + 2);
  b.classes = Tensor::from_indices(classes, {n});
  b.inputs = Tensor::from_indices(inputs, {n, 6});
  b.targets = Tensor::from_indices(targets, {n, 6});
  b.mask = Tensor::from_vector(mask, {n, 6}, dtype);
  return b;
}

ModelConfig small_tiny(int64_t vocab) {
  ModelConfig c = model_preset("tiny");
  c.num_classes = 3;
  c.vocabulary = vocab;
  c.caption_length = 6;
  c.decoder_hidden = 32;
  c.embedding = 16;
  c.lstm_hidden = 16;
  return c;
}

}  // namespace

TEST_CASE("directional gradient check of the whole tiny model in float64", "[models][gradcheck]") {
  const int64_t vocab = 12;
  ModelConfig c = model_preset("tiny");  // full tiny widths
  c.num_classes = 3;
  c.vocabulary = vocab;
  ParameterStore store(DType::kFloat64);
  VideoModel model(store, c);
  store.materialize();
  model.reset_parameters(5);
  const Batch b = make_batch(2, 3, vocab, DType::kFloat64);
  const LossWeights weights{0.1, 0.9};
  auto loss_at = [&]() {
    NoGradGuard no_grad;
    return model_loss(model.forward(b.clips, b.inputs, {true, 0}), b.classes, b.targets, b.mask, weights).total.item();
  };
  store.zero_grad();
  model_loss(model.forward(b.clips, b.inputs, {true, 0}), b.classes, b.targets, b.mask, weights).total.backward();
  const std::vector<double> grad = store.gradients().to_vector();
  const Tensor saved = store.values().clone();
  for (uint64_t direction = 0; direction < 3; ++direction) {
    // A random unit direction over the trainable parameters (buffers excluded).
    std::vector<double> u = Tensor::uniform({store.size()}, -1, 1, 900 + direction, DType::kFloat64).to_vector();
    for (const auto& p : store.parameters())
      if (p->buffer)
        for (int64_t i = p->offset; i < p->offset + numel(p->shape); ++i) u[i] = 0;
    double norm = 0, analytic = 0;
    for (double x : u) norm += x * x;
    for (size_t i = 0; i < u.size(); ++i) analytic += grad[i] * u[i] / std::sqrt(norm);
    const double eps = 1e-6;
    auto shifted = [&](double sign) {
      std::vector<double> p = saved.to_vector();
      for (size_t i = 0; i < p.size(); ++i) p[i] += sign * eps * u[i] / std::sqrt(norm);
      store.values().copy_from(Tensor::from_vector(p, {store.size()}, DType::kFloat64));
      return loss_at();
    };
    const double numeric = (shifted(1) - shifted(-1)) / (2 * eps);
    store.values().copy_from(saved);
    INFO("direction " << direction << ": analytic " << analytic << " numeric " << numeric);
    CHECK(std::fabs(analytic - numeric) <= 1e-5 + 1e-3 * std::fabs(numeric));
  }
}

TEST_CASE("a tiny model overfits a handful of clips: classification and captions", "[models][training]") {
  const int64_t vocab = 16;
  ParameterStore store;
  VideoModel model(store, small_tiny(vocab));
  store.materialize();
  model.reset_parameters(3);
  const Batch b = make_batch(4, 4, vocab, DType::kFloat32);
  Adam adam(store, {5e-3});
  LossParts first, last;
  for (int step = 0; step < 150; ++step) {
    store.zero_grad();
    const LossParts loss =
        model_loss(model.forward(b.clips, b.inputs, {true, 0}), b.classes, b.targets, b.mask, {0.5, 0.5});
    loss.total.backward();
    adam.step();
    if (step == 0) first = loss;
    last = loss;
  }
  INFO("classification " << first.classification << " -> " << last.classification << ", caption "
                         << first.caption << " -> " << last.caption);
  CHECK(first.classification > 0.5);
  CHECK(last.classification < 0.05);
  CHECK(first.caption > 5.0);
  CHECK(last.caption < 0.1);

  // Greedy decoding (evaluation mode: running statistics) reproduces the captions.
  NoGradGuard no_grad;
  const Tensor h = model.encoder().forward(b.clips, {true, 0});
  const auto greedy = model.decoder().greedy(h, 6, 1, 2);
  const auto beam1 = model.decoder().beam_search(h, 6, 1, 1, 2);
  const auto beam3 = model.decoder().beam_search(h, 6, 3, 1, 2);
  for (int64_t i = 0; i < 4; ++i) {
    const std::vector<int32_t> expected = {static_cast<int32_t>(4 + i), static_cast<int32_t>(5 + i),
                                           static_cast<int32_t>(6 + i), 2};
    CHECK(greedy[i] == expected);
    CHECK(beam1[i] == greedy[i]);
    CHECK(beam3[i] == expected);
  }
}
