// Each custom kernel of kernels/cuda against a plain CPU loop, at sizes that
// are not multiples of the block size (256) and with vocabularies of a few
// thousand words.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "kernels/counter_rng.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/optimizer.h"
#include "kernels/cuda/pool_norm.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/sequence_kernels.h"
#include "kernels/cuda/softmax_nll.h"
#include "tests/cuda/test_support.h"

using namespace grain;
using namespace grain::cuda_test;
namespace kc = grain::kernels::cuda;

namespace {
std::vector<double> as_double(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

void check(const std::vector<double>& ref, const std::vector<double>& got, double atol, double rtol, const char* what) {
  const Comparison c = compare(ref, got, atol, rtol, what);
  INFO(c.message);
  CHECK(c.ok);
}
}  // namespace

TEST_CASE("fused softmax NLL forward and backward match a CPU loop", "[kernels][cuda]") {
  for (const auto& [n, l, v] : std::vector<std::array<int64_t, 3>>{{3, 14, 3001}, {5, 7, 257}, {1, 1, 5}}) {
    const int64_t rows = n * l;
    const std::vector<float> x = random_floats(rows * v, 11 + v, -4.f, 4.f);
    std::vector<int64_t> t(rows);
    std::vector<float> mask(rows);
    for (int64_t r = 0; r < rows; ++r) {
      t[r] = static_cast<int64_t>(kernels::counter_uniform(5, r) * v);
      mask[r] = kernels::counter_uniform(6, r) < 0.25 ? 0.f : 1.f;
    }
    // CPU reference in double.
    std::vector<double> lse(rows), dx(rows * v);
    double loss = 0;
    for (int64_t r = 0; r < rows; ++r) {
      double m = x[r * v];
      for (int64_t j = 1; j < v; ++j) m = std::max<double>(m, x[r * v + j]);
      double s = 0;
      for (int64_t j = 0; j < v; ++j) s += std::exp(x[r * v + j] - m);
      lse[r] = m + std::log(s);
      loss += mask[r] * (lse[r] - x[r * v + t[r]]);
      for (int64_t j = 0; j < v; ++j)
        dx[r * v + j] = 0.7 * mask[r] / n * (std::exp(x[r * v + j] - lse[r]) - (j == t[r] ? 1.0 : 0.0));
    }
    loss /= n;
    auto dxv = upload(x), dt = upload(t), dm = upload(mask), dlse = upload(std::vector<float>(rows)),
         drow = upload(std::vector<float>(rows)), dloss = upload(std::vector<float>{0.f}),
         dgrad = upload(std::vector<float>{0.7f}), ddx = upload(std::vector<float>(rows * v, NAN));
    kc::softmax_nll_forward(dxv.as<float>(), dt.as<int64_t>(), dm.as<float>(), rows, v, n, dlse.as<float>(),
                            drow.as<float>(), dloss.as<float>(), stream());
    kc::softmax_nll_backward(dxv.as<float>(), dt.as<int64_t>(), dm.as<float>(), dlse.as<float>(), dgrad.as<float>(),
                             rows, v, n, ddx.as<float>(), stream());
    check({loss}, as_double(download<float>(dloss, 1)), 1e-4, 1e-5, "softmax_nll loss");
    check(lse, as_double(download<float>(dlse, rows)), 1e-5, 1e-5, "softmax_nll lse");
    check(dx, as_double(download<float>(ddx, rows * v)), 1e-7, 1e-4, "softmax_nll dlogits");
  }
}

TEST_CASE("log_softmax rows match a CPU loop", "[kernels][cuda]") {
  const int64_t rows = 19, k = 2999;
  const std::vector<float> x = random_floats(rows * k, 3, -5.f, 5.f), dy = random_floats(rows * k, 4);
  std::vector<double> y(rows * k), dx(rows * k);
  for (int64_t r = 0; r < rows; ++r) {
    double m = x[r * k], s = 0, total = 0;
    for (int64_t j = 0; j < k; ++j) m = std::max<double>(m, x[r * k + j]);
    for (int64_t j = 0; j < k; ++j) s += std::exp(x[r * k + j] - m);
    for (int64_t j = 0; j < k; ++j) y[r * k + j] = x[r * k + j] - m - std::log(s), total += dy[r * k + j];
    for (int64_t j = 0; j < k; ++j) dx[r * k + j] = dy[r * k + j] - std::exp(y[r * k + j]) * total;
  }
  auto dxv = upload(x), ddy = upload(dy), dyv = upload(std::vector<float>(rows * k)), ddx = upload(std::vector<float>(rows * k));
  kc::log_softmax_forward(dxv.as<float>(), dyv.as<float>(), rows, k, stream());
  kc::log_softmax_backward(dyv.as<float>(), ddy.as<float>(), ddx.as<float>(), rows, k, stream());
  check(y, as_double(download<float>(dyv, rows * k)), 1e-5, 1e-5, "log_softmax y");
  check(dx, as_double(download<float>(ddx, rows * k)), 1e-4, 1e-4, "log_softmax dx");
}

TEST_CASE("time_average forward and backward match a CPU loop", "[kernels][cuda]") {
  const int64_t n = 3, t = 7, c = 1030;
  const std::vector<float> x = random_floats(n * t * c, 8), dh = random_floats(n * c, 9);
  std::vector<double> h(n * c, 0.0), dx(n * t * c);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t s = 0; s < t; ++s)
      for (int64_t ch = 0; ch < c; ++ch) {
        h[b * c + ch] += x[(b * t + s) * c + ch] / double(t);
        dx[(b * t + s) * c + ch] = dh[b * c + ch] / double(t);
      }
  auto dxv = upload(x), ddh = upload(dh), dhv = upload(std::vector<float>(n * c)), ddx = upload(std::vector<float>(n * t * c));
  kc::time_average_forward(dxv.as<float>(), n, t, c, dhv.as<float>(), stream());
  kc::time_average_backward(ddh.as<float>(), n, t, c, ddx.as<float>(), stream());
  check(h, as_double(download<float>(dhv, n * c)), 1e-6, 1e-5, "time_average h");
  check(dx, as_double(download<float>(ddx, n * t * c)), 0, 1e-6, "time_average dx");
}

TEST_CASE("embedding forward and backward match a CPU loop, repeated ids included", "[kernels][cuda]") {
  const int64_t vocab = 2999, width = 257, count = 301;
  std::vector<int64_t> ids(count);
  for (int64_t i = 0; i < count; ++i) ids[i] = static_cast<int64_t>(kernels::counter_uniform(12, i) * 40) * 7;  // repeats
  const std::vector<float> w = random_floats(vocab * width, 13), dy = random_floats(count * width, 14);
  std::vector<double> y(count * width), dw(vocab * width, 0.0);
  std::vector<float> dw32(vocab * width, 0.f);
  for (int64_t i = 0; i < count; ++i)
    for (int64_t e = 0; e < width; ++e) {
      y[i * width + e] = w[ids[i] * width + e];
      dw32[ids[i] * width + e] += dy[i * width + e];  // same order as the kernel: exact
    }
  auto dids = upload(ids), dwv = upload(w), ddy = upload(dy), dyv = upload(std::vector<float>(count * width)),
       ddw = upload(std::vector<float>(vocab * width, NAN));
  kc::embedding_forward(dids.as<int64_t>(), count, dwv.as<float>(), width, dyv.as<float>(), stream());
  kc::embedding_backward(dids.as<int64_t>(), count, ddy.as<float>(), vocab, width, ddw.as<float>(), stream());
  check(y, as_double(download<float>(dyv, count * width)), 0, 0, "embedding y");
  check(as_double(dw32), as_double(download<float>(ddw, vocab * width)), 0, 0, "embedding dweight");
}

TEST_CASE("dropout draws the CPU's mask bit for bit", "[kernels][cuda]") {
  const int64_t n = 100003;
  const double p = 0.3;
  const uint64_t seed = 99;
  const std::vector<float> x = random_floats(n, 15);
  std::vector<float> y(n);
  const float keep_scale = static_cast<float>(1.0 / (1.0 - p));
  for (int64_t i = 0; i < n; ++i) y[i] = kernels::counter_uniform(seed, i) >= p ? x[i] * keep_scale : 0.f;
  auto dxv = upload(x), dyv = upload(std::vector<float>(n));
  kc::dropout(dxv.as<float>(), dyv.as<float>(), n, p, seed, 0, stream());
  const std::vector<float> got = download<float>(dyv, n);
  CHECK(std::memcmp(got.data(), y.data(), n * sizeof(float)) == 0);
}

TEST_CASE("adam update over a flat buffer matches a CPU loop", "[kernels][cuda]") {
  const int64_t n = 70001;
  std::vector<float> p = random_floats(n, 16), g = random_floats(n, 17), m = random_floats(n, 18, -0.1f, 0.1f),
                     v = random_floats(n, 19, 0.f, 0.1f);
  kc::AdamConfig c;
  c.lr = 1e-3f, c.weight_decay = 1e-4f, c.step = 7;
  const float scale = 0.5f;
  auto dp = upload(p), dg = upload(g), dm = upload(m), dv = upload(v), ds = upload(std::vector<float>{scale});
  kc::adam_update(dp.as<float>(), dg.as<float>(), dm.as<float>(), dv.as<float>(), n, c, ds.as<float>(), stream());
  // The CPU Adam of engine/optim/optimizer.cpp, in float as there.
  const double b1 = c.beta1, b2 = c.beta2;
  const float step_size = static_cast<float>(c.lr / (1.0 - std::pow(b1, 7.0)));
  const float bias2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(b2, 7.0)));
  std::vector<double> p_ref(n);
  for (int64_t i = 0; i < n; ++i) {
    const float gi = scale * g[i] + c.weight_decay * p[i];
    const float mi = static_cast<float>(b1) * m[i] + static_cast<float>(1 - b1) * gi;
    const float vi = static_cast<float>(b2) * v[i] + static_cast<float>(1 - b2) * gi * gi;
    p_ref[i] = p[i] - step_size * mi / (std::sqrt(vi) / bias2_sqrt + c.eps);
  }
  check(p_ref, as_double(download<float>(dp, n)), 1e-7, 1e-6, "adam params");
}

TEST_CASE("global L2 norm and reductions match a CPU loop", "[kernels][cuda]") {
  const int64_t n = 100003;
  const std::vector<float> x = random_floats(n, 20);
  double sq = 0;
  for (float f : x) sq += double(f) * f;
  auto dx = upload(x), partials = upload(std::vector<float>(kc::partials_size(n))), out = upload(std::vector<float>{0.f});
  kc::l2_norm(dx.as<float>(), n, partials.as<float>(), out.as<float>(), stream());
  check({std::sqrt(sq)}, as_double(download<float>(out, 1)), 0, 1e-6, "l2 norm");

  // Column sums of [rows, cols] (the bias gradient) and max with argmax.
  const int64_t rows = 1001, cols = 37;
  kc::ReduceGeometry g;
  g.kept.rank = 1, g.kept.shape[0] = cols, g.kept.stride[0] = 1;
  g.reduced.rank = 1, g.reduced.shape[0] = rows, g.reduced.stride[0] = cols;
  g.outputs = cols, g.count = rows;
  std::vector<double> sums(cols, 0.0), maxes(cols, -1e30);
  std::vector<int64_t> arg(cols, -1);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      sums[c] += x[r * cols + c];
      if (x[r * cols + c] > maxes[c]) maxes[c] = x[r * cols + c], arg[c] = r * cols + c;
    }
  auto dsum = upload(std::vector<float>(cols)), dmax = upload(std::vector<float>(cols)), darg = upload(std::vector<int64_t>(cols));
  kc::reduce_sum(dx.as<float>(), g, dsum.as<float>(), 1.f, stream());
  auto dcol = upload(std::vector<float>(cols)), cscratch = upload(std::vector<double>(kc::column_sum_scratch(rows, cols)));
  kc::column_sum(dx.as<float>(), rows, cols, dcol.as<float>(), 1.f, cscratch.as<double>(), stream());
  kc::reduce_max(dx.as<float>(), g, dmax.as<float>(), darg.as<int64_t>(), stream());
  check(sums, as_double(download<float>(dsum, cols)), 1e-5, 1e-5, "column sums (general reduction)");
  check(sums, as_double(download<float>(dcol, cols)), 1e-5, 1e-5, "column sums (coalesced path)");
  check(maxes, as_double(download<float>(dmax, cols)), 0, 0, "column max");
  CHECK(download<int64_t>(darg, cols) == arg);
}

TEST_CASE("batch-norm statistics and max pooling match a CPU loop", "[kernels][cuda]") {
  const int64_t m = 1001, c = 37;
  const std::vector<float> x = random_floats(m * c, 21);
  std::vector<double> mean(c, 0.0), inv(c, 0.0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t ch = 0; ch < c; ++ch) mean[ch] += x[r * c + ch] / double(m);
  for (int64_t ch = 0; ch < c; ++ch) {
    double sq = 0;
    for (int64_t r = 0; r < m; ++r) sq += (x[r * c + ch] - mean[ch]) * (x[r * c + ch] - mean[ch]);
    inv[ch] = 1 / std::sqrt(sq / m + 1e-5);
  }
  auto dx = upload(x), dmean = upload(std::vector<double>(c)), dinv = upload(std::vector<double>(c)),
       scratch = upload(std::vector<double>(kc::batch_norm_scratch(m, c)));
  kc::batch_norm_statistics(dx.as<float>(), m, c, 1e-5, 0.1, dmean.as<double>(), dinv.as<double>(), nullptr, nullptr,
                            scratch.as<double>(), stream());
  check(mean, download<double>(dmean, c), 1e-12, 1e-9, "bn mean");
  check(inv, download<double>(dinv, c), 1e-12, 1e-9, "bn inv_std");

  kc::PoolGeometry g{2, 3, 9, 7, 5, 3, 4, 3, 1, 2, 2, 1, 2, 2};  // (N,T,H,W,C) 2x3x9x7x5, window (1,2,2)
  const std::vector<float> px = random_floats(g.n * g.d * g.h * g.w * g.c, 22);
  const int64_t outs = g.n * g.od * g.oh * g.ow * g.c;
  std::vector<double> y(outs);
  std::vector<int64_t> arg(outs);
  for (int64_t o = 0; o < outs; ++o) {
    const int64_t ch = o % g.c, q = o / g.c;
    const int64_t b = q / (g.od * g.oh * g.ow), t = (q / (g.oh * g.ow)) % g.od, i = (q / g.ow) % g.oh, j = q % g.ow;
    int64_t best = -1;
    for (int64_t a = 0; a < g.kd; ++a)
      for (int64_t bb = 0; bb < g.kh; ++bb)
        for (int64_t cc = 0; cc < g.kw; ++cc) {
          const int64_t idx = ((((b * g.d) + t * g.sd + a) * g.h + i * g.sh + bb) * g.w + j * g.sw + cc) * g.c + ch;
          if (best < 0 || px[idx] > px[best]) best = idx;
        }
    y[o] = px[best];
    arg[o] = best;
  }
  auto dpx = upload(px), dy = upload(std::vector<float>(outs)), darg = upload(std::vector<int64_t>(outs));
  kc::max_pool3d_forward(dpx.as<float>(), g, dy.as<float>(), darg.as<int64_t>(), stream());
  check(y, as_double(download<float>(dy, outs)), 0, 0, "max pool y");
  CHECK(download<int64_t>(darg, outs) == arg);
}

TEST_CASE("broadcast binary ops and strided gathers match a CPU loop", "[kernels][cuda]") {
  // a [5, 1, 301] * b [7, 1] -> y [5, 7, 301]
  const std::vector<float> a = random_floats(5 * 301, 23), b = random_floats(7, 24);
  kc::Strided ia, ib;
  ia.rank = ib.rank = 3;
  const int64_t shape[3] = {5, 7, 301};
  const int64_t sa[3] = {301, 0, 1}, sb[3] = {0, 1, 0};
  for (int d = 0; d < 3; ++d) ia.shape[d] = ib.shape[d] = shape[d], ia.stride[d] = sa[d], ib.stride[d] = sb[d];
  std::vector<double> y(5 * 7 * 301);
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t j = 0; j < 7; ++j)
      for (int64_t k = 0; k < 301; ++k) y[(i * 7 + j) * 301 + k] = double(a[i * 301 + k] * b[j]);
  auto da = upload(a), db = upload(b), dy = upload(std::vector<float>(y.size()));
  kc::binary(kc::Binary::kMul, da.as<float>(), ia, db.as<float>(), ib, dy.as<float>(), y.size(), stream());
  check(y, as_double(download<float>(dy, y.size())), 0, 0, "broadcast mul");
}
