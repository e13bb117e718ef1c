// The model's structure: parameter names and counts against hand-computed
// values for the presets, output sizes, configuration checks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "engine/autograd.h"
#include "engine/error.h"
#include "layers/dropout.h"
#include "layers/max_pool.h"
#include "models/video_model.h"

using namespace grain;
using Catch::Matchers::Contains;

namespace {

// Hand count (docs/spec/model.md): a conv block = conv weight + bias + bn weight + bias
// + running mean + var; an LSTM layer-direction = 4H (in + H) + 8H.
int64_t hand_count(const ModelConfig& c) {
  int64_t total = 0;
  auto channel = [](int64_t w, int64_t kt) {
    const int64_t widths[6] = {w, 2 * w, 4 * w, 8 * w, 8 * w, 8 * w};
    int64_t in = 3, n = 0;
    for (int64_t out : widths) {
      n += out * in * kt * 9 + out + 4 * out;
      in = out;
    }
    return w == 0 ? 0 : n;
  };
  total += channel(c.width_3d, 3) + channel(c.width_2d, 1);
  const int64_t h = c.lstm_hidden, feat = 8 * (c.width_2d + c.width_3d);
  for (int64_t l = 0; l < c.lstm_layers; ++l) {
    const int64_t in = l == 0 ? feat : 2 * h;
    total += 2 * (4 * h * (in + h) + 8 * h);
  }
  if (c.num_classes) total += c.num_classes * 2 * h + c.num_classes;
  if (c.vocabulary) {
    const int64_t dh = c.decoder_hidden, e = c.embedding, d = 2 * h;
    total += c.vocabulary * e;                                           // embedding
    total += 2 * (c.decoder_layers * dh * d + c.decoder_layers * dh);    // init_h, init_c
    for (int64_t l = 0; l < c.decoder_layers; ++l) total += 4 * dh * ((l == 0 ? e + d : dh) + dh) + 8 * dh;
    total += c.vocabulary * dh + c.vocabulary;                           // output
  }
  return total;
}

}  // namespace

TEST_CASE("parameter counts of the presets match a hand count", "[models]") {
  for (const char* preset : {"paper", "small", "tiny"}) {
    ModelConfig c = model_preset(preset);
    c.num_classes = 174;
    c.vocabulary = 1000;
    ParameterStore store;
    VideoModel model(store, c);
    INFO("preset " << preset);
    CHECK(store.size() == hand_count(c));
  }
  // The paper preset's encoder: c2 = c3 = 32, 2 x 6 blocks, 2-layer BiLSTM 512 on 512 features.
  ModelConfig paper = model_preset("paper");
  ParameterStore store;
  VideoEncoder encoder(store, "encoder", paper);
  // 3D channel conv weights: 27 (3*32 + 32*64 + 64*128 + 128*256 + 256*256 + 256*256) = 4,897,152.
  int64_t conv3d_weights = 0;
  for (const auto& p : store.parameters())
    if (p->name.find("cnn3d") != std::string::npos && p->name.find("conv.weight") != std::string::npos)
      conv3d_weights += numel(p->shape);
  CHECK(conv3d_weights == 4702752);
  CHECK(store.find("encoder.lstm.weight_ih_l0")->shape == Shape{2048, 512});
  CHECK(store.find("encoder.lstm.weight_hh_l1_reverse")->shape == Shape{2048, 512});
  CHECK(store.find("encoder.cnn2d.conv1.conv.weight")->shape == Shape{32, 1, 3, 3, 3});
  CHECK(store.find("encoder.cnn2d.conv1.conv.weight")->to_pytorch_layout == std::vector<int64_t>{0, 4, 1, 2, 3});
  CHECK(store.find("encoder.cnn3d.conv6.bn.running_var")->buffer);
}

TEST_CASE("encoder output sizes for the tiny preset and a channel switched off", "[models]") {
  for (int64_t c2 : {8, 0}) {
    ModelConfig c = model_preset("tiny");
    c.width_2d = c2;
    ParameterStore store;
    VideoEncoder encoder(store, "encoder", c);
    store.materialize();
    encoder.reset_parameters(1);
    const Tensor clip = Tensor::uniform({2, 5, 56, 60, 3}, 0, 1, 2);
    NoGradGuard no_grad;
    CHECK(encoder.features(clip, {true, 0}).shape() == Shape{2, 5, 8 * (c2 + 8)});
    CHECK(encoder.forward(clip, {false, 0}).shape() == Shape{2, 128});
  }
}

TEST_CASE("spatial bookkeeping: 96 -> 6, 56 -> 1, 55 rejected with the reason", "[models][config]") {
  CHECK(encoder_final_spatial(96) == 6);  // 96 -> 48 -> 24 -> 12 -> 10 -> 8 -> 6, then the global max
  CHECK(encoder_final_spatial(56) == 1);
  CHECK(encoder_final_spatial(55) == 0);
  ModelConfig c = model_preset("tiny");
  c.crop = 48;
  c.resize = 64;
  CHECK_THROWS_WITH(validate_model_config(c), Contains("model.crop 48 is too small") && Contains("at least 56"));
  c = model_preset("tiny");
  c.width_2d = c.width_3d = 0;
  CHECK_THROWS_WITH(validate_model_config(c), Contains("at least one channel"));
  CHECK_THROWS_WITH(model_preset("huge"), Contains("unknown preset 'huge'"));
}

TEST_CASE("the dropout layer: training only, a mask per layer and step, reproducible", "[layers]") {
  const Tensor x = Tensor::ones({1000});
  const Dropout a("encoder.dropout", 0.5), b("decoder.dropout", 0.5);
  CHECK(a.forward(x, {false, 7}).same(x));  // evaluation: the identity
  const std::vector<double> a7 = a.forward(x, {true, 7}).to_vector();
  CHECK(a.forward(x, {true, 7}).to_vector() == a7);   // same step, same mask
  CHECK(a.forward(x, {true, 8}).to_vector() != a7);   // another step, another mask
  CHECK(b.forward(x, {true, 7}).to_vector() != a7);   // another layer, another mask
  int64_t kept = 0;
  for (double v : a7) kept += v != 0.0;
  CHECK(std::abs(kept - 500) < 60);
  CHECK_THROWS_WITH(Dropout("bad", 1.0), Contains("bad: dropout probability must be in [0, 1)"));
}

TEST_CASE("MaxPool3d halves space and keeps time at the encoder's window, rounding down", "[layers]") {
  const MaxPool3d pool({1, 2, 2});
  const Tensor x = Tensor::uniform({2, 5, 7, 6, 3}, -1, 1, 11);
  const Tensor y = pool.forward(x);
  CHECK(y.shape() == Shape{2, 5, 3, 3, 3});
  // Element (n, t, 1, 2, c) is the max of x's 2x2 window at rows 2-3, columns 4-5.
  const std::vector<double> xv = x.to_vector(), yv = y.to_vector();
  auto at = [&](const std::vector<double>& v, const Shape& s, int64_t n, int64_t t, int64_t h, int64_t w, int64_t c) {
    return v[static_cast<size_t>((((n * s[1] + t) * s[2] + h) * s[3] + w) * s[4] + c)];
  };
  for (int64_t c = 0; c < 3; ++c) {
    double want = -1e9;
    for (int64_t dh = 0; dh < 2; ++dh)
      for (int64_t dw = 0; dw < 2; ++dw) want = std::max(want, at(xv, x.shape(), 1, 4, 2 + dh, 4 + dw, c));
    CHECK(at(yv, y.shape(), 1, 4, 1, 2, c) == want);
  }
  CHECK_THROWS_WITH(MaxPool3d({1, 0, 2}), Contains("MaxPool3d: window must be >= 1"));
}

TEST_CASE("teacher forcing: inputs shifted right after the start token, padding unscored", "[models]") {
  // Two captions of L = 4 (start 1, end 2, pad 0): "7 8 end pad" and "9 end pad pad".
  const TeacherForcingBatch b = teacher_forcing_batch({7, 8, 2, 0, 9, 2, 0, 0}, 2, 4, 1, 0, false, Device::cpu());
  CHECK(b.inputs.shape() == Shape{2, 4});
  CHECK(b.inputs.to_vector() == std::vector<double>{1, 7, 8, 2, 1, 9, 2, 0});
  CHECK(b.targets.to_vector() == std::vector<double>{7, 8, 2, 0, 9, 2, 0, 0});
  CHECK(b.mask.to_vector() == std::vector<double>{1, 1, 1, 0, 1, 1, 0, 0});
  const TeacherForcingBatch scored = teacher_forcing_batch({7, 8, 2, 0}, 1, 4, 1, 0, true, Device::cpu());
  CHECK(scored.mask.to_vector() == std::vector<double>{1, 1, 1, 1});
  CHECK_THROWS_WITH(teacher_forcing_batch({7, 8, 2}, 1, 4, 1, 0, false, Device::cpu()), Contains("3 tokens"));
}

TEST_CASE("model.dropout acts on h before the heads in training only", "[models]") {
  auto logits = [](double p, bool training) {
    ModelConfig c = model_preset("tiny");
    c.frames = 4;
    c.num_classes = 5;
    c.dropout = p;
    ParameterStore store;
    VideoModel model(store, c);
    store.materialize();
    model.reset_parameters(3);
    NoGradGuard no_grad;
    const Tensor clip = Tensor::uniform({2, 4, 56, 56, 3}, 0, 1, 11);
    return model.forward(clip, Tensor(), {training, 5}).class_logits.to_vector();
  };
  CHECK(logits(0.5, false) == logits(0.0, false));  // evaluation: the identity
  CHECK(logits(0.5, true) != logits(0.0, true));    // training: a mask
  CHECK(logits(0.5, true) == logits(0.5, true));    // the same step draws the same mask
}
