// Forward values against independent references: hand-worked small cases,
// a direct-loop convolution and a direct-loop LSTM written here from the
// formulas (no code shared with the engine's fast paths).
#include <catch2/catch.hpp>

#include <cmath>

#include "engine/autograd.h"
#include "engine/ops/activation.h"
#include "engine/ops/binary.h"
#include "engine/ops/batch_norm.h"
#include "engine/ops/conv.h"
#include "engine/ops/cross_entropy.h"
#include "engine/ops/dropout.h"
#include "engine/ops/embedding.h"
#include "engine/ops/linear.h"
#include "engine/ops/log_softmax.h"
#include "engine/ops/lstm.h"
#include "engine/ops/matmul.h"
#include "engine/ops/max_pool.h"
#include "engine/ops/reduce.h"
#include "engine/ops/sequence_nll.h"
#include "engine/ops/shape_ops.h"
#include "engine/ops/time_average.h"

using namespace grain;
using Catch::Matchers::WithinAbs;

namespace {
Tensor T64(std::vector<double> v, Shape s) { return Tensor::from_vector(v, s, DType::kFloat64); }

void check_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-12) {
  const std::vector<double> v = t.to_vector();
  REQUIRE(v.size() == expected.size());
  for (size_t i = 0; i < v.size(); ++i) {
    INFO("element " << i);
    CHECK_THAT(v[i], WithinAbs(expected[i], tol));
  }
}
}  // namespace

TEST_CASE("hand-worked values of small ops", "[ops][reference]") {
  check_values(matmul(T64({1, 2, 3, 4}, {2, 2}), T64({5, 6, 7, 8}, {2, 2})), {19, 22, 43, 50});
  check_values(linear(T64({1, 2}, {1, 2}), T64({1, 0, 0, 1, 1, 1}, {3, 2}), T64({0.5, 0, -1}, {3})), {1.5, 2, 2});
  check_values(relu(T64({-1, 0.5}, {2})), {0, 0.5});
  check_values(sigmoid(T64({0}, {1})), {0.5});
  check_values(tanh(T64({0, 1}, {2})), {0, std::tanh(1.0)});
  check_values(log_softmax(T64({0, std::log(3.0)}, {1, 2})), {std::log(0.25), std::log(0.75)});
  check_values(cross_entropy(T64({0, 0, 2, 0}, {2, 2}), Tensor::from_indices({0, 0}, {2})),
               {(std::log(2.0) + std::log(1 + std::exp(2.0)) - 2) / 2});
  // Two steps of a uniform 4-word softmax, the second masked: ln 4 for one sample.
  check_values(sequence_nll(Tensor::zeros({1, 2, 4}, DType::kFloat64), Tensor::from_indices({1, 3}, {1, 2}),
                            T64({1, 0}, {1, 2})),
               {std::log(4.0)});
  // 3x3 image 1..9, 2x2 ones kernel, no padding.
  check_values(conv2d(T64({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1}), T64({1, 1, 1, 1}, {1, 2, 2, 1}), Tensor()),
               {12, 16, 24, 28});
  std::vector<double> grid(16);
  for (int i = 0; i < 16; ++i) grid[i] = i + 1;
  check_values(max_pool2d(T64(grid, {1, 4, 4, 1}), {2, 2}), {6, 8, 14, 16});
  check_values(amax(T64({1, 5, 2, 4, 3, 0}, {2, 3}), {1}), {5, 4});
  check_values(mean(T64({1, 2, 3, 4}, {2, 2}), {0}), {2, 3});
  check_values(time_average(T64({1, 2, 3, 4}, {1, 2, 2})), {2, 3});
  check_values(embedding(Tensor::from_indices({2, 0}, {2}), T64({1, 2, 3, 4, 5, 6}, {3, 2})), {5, 6, 1, 2});
  check_values(concat({T64({1, 2}, {1, 2}), T64({3}, {1, 1})}, 1), {1, 2, 3});
  check_values(slice(T64({1, 2, 3, 4, 5, 6}, {2, 3}), 1, 1, 3), {2, 3, 5, 6});
  check_values(permute(T64({1, 2, 3, 4, 5, 6}, {2, 3}), {1, 0}), {1, 4, 2, 5, 3, 6});
}

TEST_CASE("batch norm statistics and running averages by hand", "[ops][reference]") {
  Tensor rm = Tensor::zeros({1}, DType::kFloat64), rv = Tensor::ones({1}, DType::kFloat64);
  const Tensor y = batch_norm(T64({1, 3}, {2, 1}), T64({1}, {1}), T64({0}, {1}), rm, rv, {true, 0.1, 1e-5});
  const double inv = 1 / std::sqrt(1 + 1e-5);  // batch var 1 (biased)
  check_values(y, {-inv, inv});
  check_values(rm, {0.2});             // 0.9 * 0 + 0.1 * 2
  check_values(rv, {0.9 + 0.1 * 2.0}); // unbiased var 2
  const Tensor e = batch_norm(T64({1.2}, {1, 1}), T64({2}, {1}), T64({1}, {1}), rm, rv, {false, 0.1, 1e-5});
  check_values(e, {2 * (1.2 - 0.2) / std::sqrt(1.1 + 1e-5) + 1});
}

TEST_CASE("dropout keeps about 1 - p and scales by 1 / (1 - p)", "[ops][reference]") {
  const Tensor x = Tensor::ones({100000}, DType::kFloat64);
  const std::vector<double> y = dropout(x, 0.25, 99).to_vector();
  int64_t kept = 0;
  for (double v : y) {
    REQUIRE((v == 0.0 || std::fabs(v - 1 / 0.75) < 1e-12));
    kept += v != 0.0;
  }
  CHECK(std::fabs(kept / 100000.0 - 0.75) < 0.01);
  // Same seed, same mask; evaluation mode is the identity.
  CHECK(dropout(x, 0.25, 99).to_vector() == y);
  CHECK(dropout(x, 0.25, 99, false).same(x));
}

namespace {
// Direct 3D convolution, channels-last, straight from the definition.
std::vector<double> direct_conv3d(const std::vector<double>& x, Shape xs, const std::vector<double>& w, Shape ws,
                                  const Conv3dParams& p, Shape& ys) {
  const int64_t n = xs[0], d = xs[1], h = xs[2], wd = xs[3], c = xs[4];
  const int64_t o = ws[0], kd = ws[1], kh = ws[2], kw = ws[3];
  auto out = [](int64_t i, int64_t k, int64_t s, int64_t pd, int64_t dl) { return (i + 2 * pd - dl * (k - 1) - 1) / s + 1; };
  const int64_t od = out(d, kd, p.stride[0], p.padding[0], p.dilation[0]);
  const int64_t oh = out(h, kh, p.stride[1], p.padding[1], p.dilation[1]);
  const int64_t ow = out(wd, kw, p.stride[2], p.padding[2], p.dilation[2]);
  ys = {n, od, oh, ow, o};
  std::vector<double> y(numel(ys), 0.0);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t t = 0; t < od; ++t)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j)
          for (int64_t oc = 0; oc < o; ++oc) {
            double acc = 0;
            for (int64_t a = 0; a < kd; ++a)
              for (int64_t bb = 0; bb < kh; ++bb)
                for (int64_t cc = 0; cc < kw; ++cc)
                  for (int64_t ic = 0; ic < c; ++ic) {
                    const int64_t zt = t * p.stride[0] - p.padding[0] + a * p.dilation[0];
                    const int64_t zi = i * p.stride[1] - p.padding[1] + bb * p.dilation[1];
                    const int64_t zj = j * p.stride[2] - p.padding[2] + cc * p.dilation[2];
                    if (zt < 0 || zt >= d || zi < 0 || zi >= h || zj < 0 || zj >= wd) continue;
                    acc += w[(((oc * kd + a) * kh + bb) * kw + cc) * c + ic] *
                           x[((((b * d) + zt) * h + zi) * wd + zj) * c + ic];
                  }
            y[(((b * od + t) * oh + i) * ow + j) * o + oc] = acc;
          }
  return y;
}
}  // namespace

TEST_CASE("conv3d matches a direct convolution loop", "[ops][reference][conv]") {
  struct Setup {
    Shape x, w;
    Conv3dParams p;
  };
  const std::vector<Setup> setups = {
      {{2, 5, 7, 6, 3}, {4, 3, 3, 3, 3}, {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}}},
      {{1, 6, 9, 8, 5}, {3, 3, 3, 3, 5}, {{1, 1, 1}, {1, 0, 0}, {1, 1, 1}}},
      {{1, 4, 11, 9, 2}, {2, 1, 3, 3, 2}, {{1, 2, 2}, {0, 1, 1}, {1, 1, 1}}},
      {{1, 7, 8, 10, 3}, {2, 2, 3, 2, 3}, {{2, 3, 1}, {1, 2, 0}, {2, 1, 3}}},
      {{3, 2, 3, 3, 4}, {5, 1, 1, 1, 4}, {}},
  };
  uint64_t seed = 1;
  for (const Setup& s : setups) {
    const Tensor x = Tensor::uniform(s.x, -1, 1, seed++, DType::kFloat64);
    const Tensor w = Tensor::uniform(s.w, -1, 1, seed++, DType::kFloat64);
    Shape ys;
    const std::vector<double> expected = direct_conv3d(x.to_vector(), s.x, w.to_vector(), s.w, s.p, ys);
    const Tensor y = conv3d(x, w, Tensor(), s.p);
    REQUIRE(y.shape() == ys);
    check_values(y, expected, 1e-12);
  }
}

namespace {
double sig(double v) { return 1 / (1 + std::exp(-v)); }
}  // namespace

TEST_CASE("lstm matches a direct per-element LSTM loop (2 layers, bidirectional)", "[ops][reference][lstm]") {
  const int64_t n = 2, steps = 4, in = 3, hid = 2, layers = 2, dirs = 2;
  const Tensor x = Tensor::uniform({n, steps, in}, -1, 1, 11, DType::kFloat64);
  const Tensor h0 = Tensor::uniform({layers * dirs, n, hid}, -1, 1, 12, DType::kFloat64);
  const Tensor c0 = Tensor::uniform({layers * dirs, n, hid}, -1, 1, 13, DType::kFloat64);
  std::vector<Tensor> weights;
  uint64_t seed = 100;
  for (int64_t l = 0; l < layers; ++l)
    for (int64_t d = 0; d < dirs; ++d) {
      const int64_t width = l == 0 ? in : dirs * hid;
      weights.push_back(Tensor::uniform({4 * hid, width}, -1, 1, seed++, DType::kFloat64));
      weights.push_back(Tensor::uniform({4 * hid, hid}, -1, 1, seed++, DType::kFloat64));
      weights.push_back(Tensor::uniform({4 * hid}, -1, 1, seed++, DType::kFloat64));
      weights.push_back(Tensor::uniform({4 * hid}, -1, 1, seed++, DType::kFloat64));
    }
  const LstmOutput out = lstm(x, h0, c0, weights, {layers, hid, true});

  // Reference: scalar loops, sequence as vector<vector<double>> per sample.
  std::vector<double> seq = x.to_vector();  // [n, steps, width]
  int64_t width = in;
  std::vector<double> hn(layers * dirs * n * hid), cn(hn.size());
  for (int64_t l = 0; l < layers; ++l) {
    std::vector<double> next(n * steps * dirs * hid);
    for (int64_t d = 0; d < dirs; ++d) {
      const int64_t k = l * dirs + d;
      const std::vector<double> wih = weights[4 * k].to_vector(), whh = weights[4 * k + 1].to_vector(),
                                bih = weights[4 * k + 2].to_vector(), bhh = weights[4 * k + 3].to_vector();
      for (int64_t b = 0; b < n; ++b) {
        std::vector<double> h(hid), c(hid);
        for (int64_t j = 0; j < hid; ++j) {
          h[j] = h0.to_vector()[(k * n + b) * hid + j];
          c[j] = c0.to_vector()[(k * n + b) * hid + j];
        }
        for (int64_t s = 0; s < steps; ++s) {
          const int64_t t = d == 0 ? s : steps - 1 - s;
          std::vector<double> z(4 * hid);
          for (int64_t r = 0; r < 4 * hid; ++r) {
            z[r] = bih[r] + bhh[r];
            for (int64_t q = 0; q < width; ++q) z[r] += wih[r * width + q] * seq[(b * steps + t) * width + q];
            for (int64_t q = 0; q < hid; ++q) z[r] += whh[r * hid + q] * h[q];
          }
          for (int64_t j = 0; j < hid; ++j) {
            const double ig = sig(z[j]), fg = sig(z[hid + j]), gg = std::tanh(z[2 * hid + j]), og = sig(z[3 * hid + j]);
            c[j] = fg * c[j] + ig * gg;
            h[j] = og * std::tanh(c[j]);
            next[(b * steps + t) * dirs * hid + d * hid + j] = h[j];
          }
        }
        for (int64_t j = 0; j < hid; ++j) {
          hn[(k * n + b) * hid + j] = h[j];
          cn[(k * n + b) * hid + j] = c[j];
        }
      }
    }
    seq = next;
    width = dirs * hid;
  }
  check_values(out.output, seq, 1e-12);
  check_values(out.h_n, hn, 1e-12);
  check_values(out.c_n, cn, 1e-12);
}

TEST_CASE("conv3d lowered in blocks that span samples equals per-sample convolutions", "[ops][reference][conv]") {
  // 24x24x16 -> 16 channels: 576 rows x 432 columns per output slice, so a
  // lowered block holds 9 of the 40 (sample, time) slices and most blocks cross
  // a sample boundary. Each sample alone fits in one block.
  const Shape xs{4, 10, 24, 24, 16};
  Tensor x = Tensor::uniform(xs, -1, 1, 21, DType::kFloat64);
  Tensor w = Tensor::uniform({16, 3, 3, 3, 16}, -0.2, 0.2, 22, DType::kFloat64);
  Tensor b = Tensor::uniform({16}, -1, 1, 23, DType::kFloat64);
  for (Tensor* t : {&x, &w, &b}) t->set_requires_grad(true);
  const Conv3dParams p{{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
  const Tensor y = conv3d(x, w, b, p);
  const Tensor r = Tensor::uniform(y.shape(), -1, 1, 24, DType::kFloat64);
  sum(mul(y, r)).backward();
  std::vector<double> dw_sum(static_cast<size_t>(w.numel()), 0.0);
  for (int64_t n = 0; n < xs[0]; ++n) {
    Tensor xn = slice(x.detach(), 0, n, n + 1);
    Tensor wn = w.detach().clone(), bn = b.detach().clone();
    for (Tensor* t : {&xn, &wn, &bn}) t->set_requires_grad(true);
    const Tensor yn = conv3d(xn, wn, bn, p);
    check_values(slice(y.detach(), 0, n, n + 1), yn.to_vector(), 1e-12);
    sum(mul(yn, slice(r, 0, n, n + 1))).backward();
    check_values(slice(x.grad(), 0, n, n + 1), xn.grad().to_vector(), 1e-12);
    const std::vector<double> g = wn.grad().to_vector();
    for (size_t i = 0; i < g.size(); ++i) dw_sum[i] += g[i];
  }
  check_values(w.grad(), dw_sum, 1e-10);
}
