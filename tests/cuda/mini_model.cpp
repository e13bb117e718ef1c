// defines: the miniature model of the CUDA whole-model tests (see mini_model.h)
#include "tests/cuda/mini_model.h"

#include "engine/ops/activation.h"
#include "engine/ops/batch_norm.h"
#include "engine/ops/binary.h"
#include "engine/ops/conv.h"
#include "engine/ops/cross_entropy.h"
#include "engine/ops/embedding.h"
#include "engine/ops/linear.h"
#include "engine/ops/lstm.h"
#include "engine/ops/max_pool.h"
#include "engine/ops/reduce.h"
#include "engine/ops/scale.h"
#include "engine/ops/sequence_nll.h"
#include "engine/ops/shape_ops.h"
#include "engine/ops/time_average.h"
#include "kernels/counter_rng.h"

namespace grain::cuda_test {

namespace {
constexpr int64_t kN = 2, kT = 4, kHW = 12, kC1 = 4, kC2 = 8, kHidden = 6, kE = 5, kL = 5, kV = 37, kClasses = 3;
}

MiniModel make_mini_model(Device device, bool with_lstm) {
  MiniModel m;
  uint64_t seed = 100;
  auto param = [&](const Shape& s, double bound) {
    Tensor t = Tensor::uniform(s, -bound, bound, seed++).to(device);
    t.set_requires_grad(true);
    m.params.push_back(t);
  };
  param({kC1, 3, 3, 3, 3}, 0.3);  // conv1 w, b
  param({kC1}, 0.1);
  param({kC1}, 0.2);               // bn1 gamma (around 1 below), beta
  param({kC1}, 0.1);
  param({kC2, 3, 3, 3, kC1}, 0.2); // conv2 w, b
  param({kC2}, 0.1);
  param({kC2}, 0.2);               // bn2 gamma, beta
  param({kC2}, 0.1);
  const int64_t feature = with_lstm ? 2 * kHidden : kC2;
  if (with_lstm) {
    for (int d = 0; d < 2; ++d) {  // 1 layer, bidirectional
      param({4 * kHidden, kC2}, 0.3);
      param({4 * kHidden, kHidden}, 0.3);
      param({4 * kHidden}, 0.1);
      param({4 * kHidden}, 0.1);
    }
  }
  param({kClasses, feature}, 0.3);  // classifier
  param({kClasses}, 0.1);
  param({kV, kE}, 0.5);              // embedding
  param({16, kE + feature}, 0.3);    // decoder hidden
  param({16}, 0.1);
  param({kV, 16}, 0.3);              // vocabulary projection
  param({kV}, 0.1);
  for (int64_t c : {kC1, kC2}) {
    m.buffers.push_back(Tensor::zeros({c}).to(device));
    m.buffers.push_back(Tensor::ones({c}).to(device));
  }
  m.clip = Tensor::uniform({kN, kT, kHW, kHW, 3}, 0, 1, 7).to(device);
  std::vector<int64_t> caps(kN * kL), tgt(kN * kL), labels(kN);
  std::vector<double> mask(kN * kL);
  for (int64_t i = 0; i < kN * kL; ++i) {
    caps[i] = static_cast<int64_t>(kernels::counter_uniform(8, i) * kV);
    tgt[i] = static_cast<int64_t>(kernels::counter_uniform(9, i) * kV);
    mask[i] = i % kL < kL - 1 - i / kL ? 1.0 : 0.0;  // padded tails
  }
  for (int64_t i = 0; i < kN; ++i) labels[i] = i % kClasses;
  m.captions = Tensor::from_indices(caps, {kN, kL}).to(device);
  m.targets = Tensor::from_indices(tgt, {kN, kL}).to(device);
  m.mask = Tensor::from_vector(mask, {kN, kL}).to(device);
  m.labels = Tensor::from_indices(labels, {kN}).to(device);
  return m;
}

Tensor mini_model_loss(const MiniModel& m, bool with_lstm) {
  const std::vector<Tensor>& p = m.params;
  const Device device = m.clip.device();
  BatchNormParams bn;
  Conv3dParams pad1;
  pad1.padding = {1, 1, 1};
  Conv3dParams pad100;
  pad100.padding = {1, 0, 0};
  auto gamma = [&](const Tensor& g) { return add(g, Tensor::ones(g.shape()).to(device)); };
  Tensor x = conv3d(m.clip, p[0], p[1], pad1);
  x = relu(batch_norm(x, gamma(p[2]), p[3], m.buffers[0], m.buffers[1], bn));
  x = max_pool3d(x, {1, 2, 2});
  x = conv3d(x, p[4], p[5], pad100);
  x = relu(batch_norm(x, gamma(p[6]), p[7], m.buffers[2], m.buffers[3], bn));
  x = amax(x, {2, 3});  // (N, T, C2): the global spatial max
  size_t next = 8;
  if (with_lstm) {
    LstmParams lp;
    lp.layers = 1, lp.hidden = kHidden, lp.bidirectional = true;
    const std::vector<Tensor> w(p.begin() + 8, p.begin() + 16);
    x = lstm(x, Tensor(), Tensor(), w, lp).output;
    next = 16;
  }
  const Tensor h = time_average(x);  // (N, F)
  const Tensor class_loss = cross_entropy(linear(h, p[next], p[next + 1]), m.labels);
  const Tensor words = embedding(m.captions, p[next + 2]);  // (N, L, E)
  const Tensor h_steps = add(reshape(h, {kN, 1, h.size(1)}), Tensor::zeros({kN, kL, h.size(1)}).to(device));
  const Tensor hidden = tanh(linear(concat({words, h_steps}, 2), p[next + 3], p[next + 4]));
  const Tensor logits = linear(hidden, p[next + 5], p[next + 6]);
  const Tensor caption_loss = sequence_nll(logits, m.targets, m.mask);
  return add(scale(class_loss, 0.1), scale(caption_loss, 0.9));
}

}  // namespace grain::cuda_test
