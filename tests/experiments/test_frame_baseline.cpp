// The frame baselines' models (models/frame_baseline.h) against references
// built from the model itself on single frames: the middle-frame model sees
// only the middle frame, the frame-mean model's logits are the mean of its
// logits on each frame alone, the LSTM model depends on the frames' order.
#include <catch2/catch.hpp>

#include "engine/autograd.h"
#include "engine/ops/shape_ops.h"
#include "engine/parameters.h"
#include "models/frame_baseline.h"

using namespace grain;

namespace {

ModelConfig tiny_frames() {
  ModelConfig c = model_preset("tiny");
  c.frames = 4;
  c.width_2d = 4;
  return c;
}

// (2, 4, 56, 56, 3) with seeded values.
Tensor clip(uint64_t seed) { return Tensor::uniform({2, 4, 56, 56, 3}, -1, 1, seed); }

std::vector<double> logits(const FrameBaseline& m, const Tensor& x) { return m.forward(x, {false, 0}).to_vector(); }

}  // namespace

TEST_CASE("frame baselines: the middle frame alone, per-frame logits averaged, an LSTM over the frames") {
  NoGradGuard no_grad;
  const Tensor x = clip(1);
  SECTION("middle_frame_mlp looks at frame T/2 only") {
    ParameterStore store;
    FrameBaseline m(store, tiny_frames(), FrameBaselineKind::kMiddleFrameMlp, 5, 32);
    store.materialize();
    m.reset_parameters(3);
    const std::vector<double> y = logits(m, x);
    REQUIRE(y.size() == 10);
    // Frames 0, 1 and 3 replaced: the same logits; frame 2 replaced: others.
    const Tensor other = clip(2);
    const Tensor mixed = concat({slice(other, 1, 0, 2), slice(x, 1, 2, 3), slice(other, 1, 3, 4)}, 1);
    CHECK(logits(m, mixed) == y);
    const Tensor changed = concat({slice(x, 1, 0, 2), slice(other, 1, 2, 3), slice(x, 1, 3, 4)}, 1);
    CHECK(logits(m, changed) != y);
  }
  SECTION("frames_mean_mlp: the mean of the logits of each frame alone") {
    ParameterStore store;
    FrameBaseline m(store, tiny_frames(), FrameBaselineKind::kFramesMeanMlp, 5, 32);
    store.materialize();
    m.reset_parameters(3);
    const std::vector<double> y = logits(m, x);
    std::vector<double> mean(10, 0.0);
    for (int64_t t = 0; t < 4; ++t) {
      const std::vector<double> one = logits(m, slice(x, 1, t, t + 1));
      for (size_t i = 0; i < mean.size(); ++i) mean[i] += one[i] / 4;
    }
    for (size_t i = 0; i < mean.size(); ++i) CHECK(y[i] == Approx(mean[i]).margin(1e-5));
  }
  SECTION("frames_lstm depends on the order of the frames") {
    ParameterStore store;
    FrameBaseline m(store, tiny_frames(), FrameBaselineKind::kFramesLstm, 5, 16);
    store.materialize();
    m.reset_parameters(3);
    const std::vector<double> y = logits(m, x);
    REQUIRE(y.size() == 10);
    const Tensor reversed = concat({slice(x, 1, 3, 4), slice(x, 1, 2, 3), slice(x, 1, 1, 2), slice(x, 1, 0, 1)}, 1);
    CHECK(logits(m, reversed) != y);
    CHECK(store.find("frames.lstm.weight_ih_l0") != nullptr);
    CHECK(store.find("frames.cnn2d.conv6.conv.weight") != nullptr);
  }
  SECTION("the 2D channel is required") {
    ModelConfig c = tiny_frames();
    c.width_2d = 0;
    ParameterStore store;
    CHECK_THROWS(FrameBaseline(store, c, FrameBaselineKind::kFramesLstm, 5));
  }
}
