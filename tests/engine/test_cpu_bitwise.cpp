// The CPU kernels of relu, max pooling and batch norm against plain serial
// loops written here from the formulas (the loops the engine shipped before
// its kernels were vectorised and parallelised), compared bit for bit in
// float32 at 1, 2 and 3 OpenMP threads. Trained models and committed results
// depend on these bits, so the tolerance is zero. Sizes are odd and large
// enough to take the parallel paths; the inputs are rounded to a coarse grid
// so windows hold ties and -0.0 appears.
#include <catch2/catch.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "engine/autograd.h"
#include "engine/ops/activation.h"
#include "engine/ops/batch_norm.h"
#include "engine/ops/binary.h"
#include "engine/ops/max_pool.h"
#include "engine/ops/reduce.h"

using namespace grain;

namespace {

// Uniform values in [-2, 2] rounded to multiples of 0.25 (ties, zeros and -0.0).
Tensor coarse(const Shape& shape, uint64_t seed) {
  std::vector<double> v = Tensor::uniform(shape, -2, 2, seed, DType::kFloat64).to_vector();
  for (double& e : v) e = std::round(e * 4) / 4;
  return Tensor::from_vector(v, shape, DType::kFloat32);
}

std::vector<float> floats(const Tensor& t) {
  const float* p = t.data<float>();
  return std::vector<float>(p, p + t.numel());
}

// Bitwise equality (so -0.0 differs from 0.0), naming the first differing element.
void require_same_bits(const std::vector<float>& got, const std::vector<float>& want, const char* what) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(&got[i], &want[i], sizeof(float)) != 0) FAIL(what << ": element " << i << " is " << got[i]
                                                                      << ", the serial loop gives " << want[i]);
}

// y = op(x) and dx for the upstream gradient w: the loss sum(y * w) gives dy = 1 * w = w exactly.
template <typename Op>
std::pair<std::vector<float>, std::vector<float>> forward_backward(const Tensor& x0, const Tensor& w, Op op) {
  Tensor x = x0.detach();
  x.set_requires_grad(true);
  const Tensor y = op(x);
  sum(mul(y, w)).backward();
  return {floats(y), floats(x.grad())};
}

struct ThreadCount {
  int saved = omp_get_max_threads();
  explicit ThreadCount(int n) { omp_set_num_threads(n); }
  ~ThreadCount() { omp_set_num_threads(saved); }
};

}  // namespace

TEST_CASE("relu equals the serial loop bit for bit at any thread count", "[ops][bitwise]") {
  const Shape shape{3, 5, 47, 53};  // 37,365 elements: three chunks, the last one partial
  const Tensor x = coarse(shape, 1), w = coarse(shape, 2);
  const std::vector<float> xv = floats(x), wv = floats(w);
  std::vector<float> y(xv.size()), dx(xv.size());
  for (size_t i = 0; i < xv.size(); ++i) {
    y[i] = xv[i] > 0.0f ? xv[i] : 0.0f;
    dx[i] = wv[i] * (y[i] > 0.0f ? 1.0f : 0.0f);
  }
  for (int threads : {1, 2, 3}) {
    INFO(threads << " threads");
    const ThreadCount scope(threads);
    const auto [got_y, got_dx] = forward_backward(x, w, [](const Tensor& t) { return relu(t); });
    require_same_bits(got_y, y, "relu y");
    require_same_bits(got_dx, dx, "relu dx");
  }
}

TEST_CASE("max pooling equals the serial loop bit for bit at any thread count", "[ops][bitwise]") {
  struct Case {
    Shape in;
    std::array<int64_t, 3> k, s;
  };
  // (1,2,2) and (2,2,2) as in the encoder (disjoint windows, parallel backward),
  // and overlapping windows (serial backward); odd sizes leave edges unpooled.
  for (const Case& cs : {Case{{3, 6, 35, 33, 7}, {1, 2, 2}, {1, 2, 2}}, Case{{2, 5, 17, 19, 9}, {2, 2, 2}, {2, 2, 2}},
                         Case{{2, 5, 13, 12, 5}, {2, 3, 3}, {1, 2, 1}}}) {
    INFO("input " << shape_str(cs.in) << " kernel " << cs.k[0] << cs.k[1] << cs.k[2] << " stride " << cs.s[0] << cs.s[1]
                  << cs.s[2]);
    const int64_t n = cs.in[0], d = cs.in[1], h = cs.in[2], wd = cs.in[3], c = cs.in[4];
    const int64_t od = (d - cs.k[0]) / cs.s[0] + 1, oh = (h - cs.k[1]) / cs.s[1] + 1, ow = (wd - cs.k[2]) / cs.s[2] + 1;
    const Tensor x = coarse(cs.in, 3), w = coarse({n, od, oh, ow, c}, 4);
    const std::vector<float> xv = floats(x), wv = floats(w);
    std::vector<float> y(static_cast<size_t>(n * od * oh * ow * c)), dx(xv.size(), 0.0f);
    size_t o = 0;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t t = 0; t < od; ++t)
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j)
            for (int64_t ch = 0; ch < c; ++ch, ++o) {
              int64_t best = -1;
              for (int64_t a = 0; a < cs.k[0]; ++a)
                for (int64_t p = 0; p < cs.k[1]; ++p)
                  for (int64_t q = 0; q < cs.k[2]; ++q) {
                    const int64_t at =
                        (((b * d + t * cs.s[0] + a) * h + i * cs.s[1] + p) * wd + j * cs.s[2] + q) * c + ch;
                    if (best < 0 || xv[at] > xv[best]) best = at;  // ties: the first in (t, h, w) order
                  }
              y[o] = xv[best];
              dx[best] += wv[o];
            }
    for (int threads : {1, 2, 3}) {
      INFO(threads << " threads");
      const ThreadCount scope(threads);
      const auto [got_y, got_dx] =
          forward_backward(x, w, [&](const Tensor& t) { return max_pool3d(t, cs.k, cs.s); });
      require_same_bits(got_y, y, "max pool y");
      require_same_bits(got_dx, dx, "max pool dx");
    }
  }
}

TEST_CASE("batch norm equals the serial float64 loops bit for bit at any thread count", "[ops][bitwise]") {
  for (const Shape& shape : {Shape{3, 4, 33, 31, 7}, Shape{2, 3, 21, 23, 16}, Shape{5, 3, 1}}) {
    INFO("input " << shape_str(shape));
    const int64_t c = shape.back(), m = numel(shape) / c;
    const Tensor x = Tensor::uniform(shape, -3, 5, 5), w = coarse(shape, 6);
    const Tensor gamma = Tensor::uniform({c}, 0.5, 1.5, 7), beta = Tensor::uniform({c}, -1, 1, 8);
    const std::vector<float> xv = floats(x), wv = floats(w), gv = floats(gamma), bv = floats(beta);
    const double eps = 1e-5, count = static_cast<double>(m);
    std::vector<double> mean(c, 0.0), var(c, 0.0), inv_std(c), sum_dy(c, 0.0), sum_dy_xhat(c, 0.0);
    for (int64_t r = 0; r < m; ++r)
      for (int64_t ch = 0; ch < c; ++ch) mean[ch] += xv[r * c + ch];
    for (int64_t ch = 0; ch < c; ++ch) mean[ch] /= count;
    for (int64_t r = 0; r < m; ++r)
      for (int64_t ch = 0; ch < c; ++ch) {
        const double dev = xv[r * c + ch] - mean[ch];
        var[ch] += dev * dev;
      }
    for (int64_t ch = 0; ch < c; ++ch) inv_std[ch] = 1.0 / std::sqrt(var[ch] / count + eps);
    std::vector<float> y(xv.size()), dx(xv.size()), rm(c), rv(c);
    for (int64_t ch = 0; ch < c; ++ch) {
      rm[ch] = static_cast<float>((1 - 0.1) * 0.25f + 0.1 * mean[ch]);
      rv[ch] = static_cast<float>((1 - 0.1) * 1.5f + 0.1 * (var[ch] / count) * count / (count - 1));
    }
    for (int64_t r = 0; r < m; ++r)
      for (int64_t ch = 0; ch < c; ++ch) {
        const size_t e = static_cast<size_t>(r * c + ch);
        y[e] = static_cast<float>(gv[ch] * (xv[e] - mean[ch]) * inv_std[ch] + bv[ch]);
        const double xhat = (xv[e] - mean[ch]) * inv_std[ch];
        sum_dy[ch] += wv[e];
        sum_dy_xhat[ch] += wv[e] * xhat;
      }
    for (int64_t r = 0; r < m; ++r)
      for (int64_t ch = 0; ch < c; ++ch) {
        const size_t e = static_cast<size_t>(r * c + ch);
        const double xhat = (xv[e] - mean[ch]) * inv_std[ch];
        dx[e] = static_cast<float>(gv[ch] * inv_std[ch] *
                                   (wv[e] - sum_dy[ch] / count - xhat * sum_dy_xhat[ch] / count));
      }
    for (int threads : {1, 2, 3}) {
      INFO(threads << " threads");
      const ThreadCount scope(threads);
      Tensor running_mean = Tensor::full({c}, 0.25), running_var = Tensor::full({c}, 1.5);
      const auto [got_y, got_dx] = forward_backward(x, w, [&](const Tensor& t) {
        return batch_norm(t, gamma, beta, running_mean, running_var, {true, 0.1, eps});
      });
      require_same_bits(got_y, y, "batch norm y");
      require_same_bits(got_dx, dx, "batch norm dx");
      require_same_bits(floats(running_mean), rm, "running mean");
      require_same_bits(floats(running_var), rv, "running var");
    }
  }
}
