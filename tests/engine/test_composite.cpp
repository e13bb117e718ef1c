// End-to-end gradient check of a miniature model in float64: the two-channel
// encoder (3D and per-frame 2D convolutions, batch norm, ReLU, max pooling,
// global spatial max), concatenation, a 2-layer bidirectional LSTM, the time
// average and a linear classifier with cross-entropy — every parameter and
// the input checked against finite differences.
#include <catch2/catch.hpp>

#include "engine/ops/activation.h"
#include "engine/ops/batch_norm.h"
#include "engine/ops/conv.h"
#include "engine/ops/cross_entropy.h"
#include "engine/ops/linear.h"
#include "engine/ops/lstm.h"
#include "engine/ops/max_pool.h"
#include "engine/ops/reduce.h"
#include "engine/ops/shape_ops.h"
#include "engine/ops/time_average.h"
#include "tests/engine/gradcheck.h"

using namespace grain;

namespace {

// One channel: conv -> bn -> relu -> pool(1,2,2) -> conv -> bn -> relu -> global spatial max.
// p: [w1, b1, g1, beta1, w2, b2, g2, beta2]
Tensor channel(const Tensor& x, const std::vector<Tensor>& p, bool three_d) {
  const Conv3dParams first{{1, 1, 1}, {three_d ? 1 : 0, 1, 1}, {1, 1, 1}};
  const Conv3dParams second{{1, 1, 1}, {three_d ? 1 : 0, 0, 0}, {1, 1, 1}};
  const BatchNormParams bn{true, 0.1, 1e-5};
  Tensor h = conv3d(x, p[0], p[1], first);
  h = relu(batch_norm(h, p[2], p[3], Tensor(), Tensor(), bn));
  h = max_pool3d(h, {1, 2, 2});
  h = conv3d(h, p[4], p[5], second);
  h = relu(batch_norm(h, p[6], p[7], Tensor(), Tensor(), bn));
  return amax(h, {2, 3});  // (N, T, C)
}

}  // namespace

TEST_CASE("miniature two-channel encoder + BiLSTM + head: end-to-end gradient check", "[composite][gradcheck]") {
  const int64_t n = 2, t = 3, c = 2, width = 2, hid = 2;
  std::vector<Shape> shapes;
  for (int k : {3, 1}) {  // 3D channel (kT = 3), then 2D channel (kT = 1)
    shapes.push_back({width, k, 3, 3, c});
    shapes.push_back({width});
    shapes.push_back({width});
    shapes.push_back({width});
    shapes.push_back({width, k, 3, 3, width});
    shapes.push_back({width});
    shapes.push_back({width});
    shapes.push_back({width});
  }
  for (int64_t l = 0; l < 2; ++l)
    for (int64_t d = 0; d < 2; ++d) {
      const int64_t in = l == 0 ? 2 * width : 2 * hid;
      shapes.push_back({4 * hid, in});
      shapes.push_back({4 * hid, hid});
      shapes.push_back({4 * hid});
      shapes.push_back({4 * hid});
    }
  shapes.push_back({3, 2 * hid});  // classifier
  shapes.push_back({3});

  std::vector<Tensor> inputs{Tensor::uniform({n, t, 6, 6, c}, -1, 1, 1, DType::kFloat64)};
  uint64_t seed = 10;
  for (const Shape& s : shapes) inputs.push_back(Tensor::uniform(s, -0.8, 0.8, seed++, DType::kFloat64));
  for (Tensor& x : inputs) x.set_requires_grad(true);
  const Tensor labels = Tensor::from_indices({2, 0}, {n});

  auto run = [&](const std::vector<Tensor>& in) {
    const std::vector<Tensor> p3(in.begin() + 1, in.begin() + 9), p2(in.begin() + 9, in.begin() + 17);
    const Tensor features = concat({channel(in[0], p3, true), channel(in[0], p2, false)}, 2);  // (N, T, 4)
    const std::vector<Tensor> lstm_weights(in.begin() + 17, in.begin() + 33);
    const LstmOutput encoded = lstm(features, Tensor(), Tensor(), lstm_weights, {2, hid, true});
    const Tensor h = time_average(encoded.output);
    return std::vector<Tensor>{cross_entropy(linear(h, in[33], in[34]), labels)};
  };
  const testing::GradcheckResult r = testing::gradcheck("miniature model", run, inputs);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 500);
}
