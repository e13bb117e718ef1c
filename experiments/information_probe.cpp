// defines: information_probe, wilson_interval95 (see information_probe.h)
#include "experiments/information_probe.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "engine/error.h"
#include "experiments/few_shot.h"
#include "kernels/counter_rng.h"

namespace grain {

namespace {

// Row-major (n, d) float features -> float64.
std::vector<double> to_double(const std::vector<float>& x) { return {x.begin(), x.end()}; }

// Multinomial logistic regression on (n, d) standardised rows; returns the
// (K, d + 1) weights, the bias in the last column.
std::vector<double> fit(const std::vector<double>& x, int64_t n, int64_t d, const std::vector<int>& y, int64_t k,
                        const InformationProbeOptions& o) {
  // Curvature bound: lambda_max(X^T X / n) by power iteration; the bias's
  // constant feature contributes 1.
  std::vector<double> v(static_cast<size_t>(d), 1.0 / std::sqrt(static_cast<double>(d))), xv(static_cast<size_t>(n));
  double lambda_max = 1;
  for (int it = 0; it < 50; ++it) {
    for (int64_t i = 0; i < n; ++i) {
      double s = 0;
      for (int64_t j = 0; j < d; ++j) s += x[static_cast<size_t>(i * d + j)] * v[static_cast<size_t>(j)];
      xv[static_cast<size_t>(i)] = s;
    }
    std::vector<double> w(static_cast<size_t>(d), 0.0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < d; ++j) w[static_cast<size_t>(j)] += x[static_cast<size_t>(i * d + j)] * xv[static_cast<size_t>(i)];
    double norm = 0;
    for (double& e : w) e /= static_cast<double>(n), norm += e * e;
    norm = std::sqrt(norm);
    if (norm < 1e-300) break;
    lambda_max = std::max(1.0, norm);
    for (int64_t j = 0; j < d; ++j) v[static_cast<size_t>(j)] = w[static_cast<size_t>(j)] / norm;
  }
  const double step = 1.0 / (0.5 * lambda_max + o.l2);
  const int64_t stride = d + 1;
  std::vector<double> w(static_cast<size_t>(k * stride), 0.0), prev = w, look = w, grad(w.size());
  std::vector<double> p(static_cast<size_t>(k));
  for (int it = 1; it <= o.iterations; ++it) {
    const double momentum = (it - 1.0) / (it + 2.0);
    for (size_t e = 0; e < w.size(); ++e) look[e] = w[e] + momentum * (w[e] - prev[e]);
    std::fill(grad.begin(), grad.end(), 0.0);
    for (int64_t i = 0; i < n; ++i) {
      const double* row = &x[static_cast<size_t>(i * d)];
      double top = -INFINITY;
      for (int64_t c = 0; c < k; ++c) {
        const double* wc = &look[static_cast<size_t>(c * stride)];
        double z = wc[d];
        for (int64_t j = 0; j < d; ++j) z += wc[j] * row[j];
        p[static_cast<size_t>(c)] = z;
        top = std::max(top, z);
      }
      double sum = 0;
      for (double& z : p) sum += (z = std::exp(z - top));
      for (int64_t c = 0; c < k; ++c) {
        const double g = (p[static_cast<size_t>(c)] / sum - (y[static_cast<size_t>(i)] == c ? 1.0 : 0.0)) / static_cast<double>(n);
        double* gc = &grad[static_cast<size_t>(c * stride)];
        for (int64_t j = 0; j < d; ++j) gc[j] += g * row[j];
        gc[d] += g;
      }
    }
    prev = w;
    for (int64_t c = 0; c < k; ++c)
      for (int64_t j = 0; j <= d; ++j) {
        const size_t e = static_cast<size_t>(c * stride + j);
        const double penalty = j < d ? o.l2 * look[e] : 0.0;
        w[e] = look[e] - step * (grad[e] + penalty);
      }
  }
  return w;
}

int predict(const std::vector<double>& w, const double* row, int64_t d, int64_t k) {
  int best = 0;
  double best_z = -INFINITY;
  for (int64_t c = 0; c < k; ++c) {
    const double* wc = &w[static_cast<size_t>(c * (d + 1))];
    double z = wc[d];
    for (int64_t j = 0; j < d; ++j) z += wc[j] * row[j];
    if (z > best_z) best_z = z, best = static_cast<int>(c);
  }
  return best;
}

}  // namespace

void wilson_interval95(int64_t successes, int64_t n, double& low, double& high) {
  GRAIN_CHECK(n > 0 && successes >= 0 && successes <= n, "wilson interval: " << successes << " of " << n);
  const double z = 1.959963984540054, nn = static_cast<double>(n), p = static_cast<double>(successes) / nn;
  const double centre = (p + z * z / (2 * nn)) / (1 + z * z / nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
  low = std::max(0.0, centre - half);
  high = std::min(1.0, centre + half);
}

InformationProbeResult information_probe(const std::vector<float>& features, int64_t width,
                                         const std::vector<int>& labels, const InformationProbeOptions& o) {
  const auto n = static_cast<int64_t>(labels.size());
  GRAIN_CHECK(width > 0 && static_cast<int64_t>(features.size()) == n * width,
              "information probe: " << features.size() << " feature values for " << n << " rows of width " << width);
  GRAIN_CHECK(o.folds >= 2 && n >= o.folds, "information probe: " << n << " rows for " << o.folds << " folds");
  GRAIN_CHECK(o.iterations > 0 && o.l2 >= 0 && std::isfinite(o.l2), "information probe: bad options");
  std::map<int, int64_t> counts;
  for (int l : labels) {
    GRAIN_CHECK(l >= 0, "information probe: negative label " << l);
    ++counts[l];
  }
  GRAIN_CHECK(counts.size() >= 2, "information probe: the labels take " << counts.size() << " value(s); need two");
  std::map<int, int> index;
  for (const auto& [l, c] : counts) index.emplace(l, static_cast<int>(index.size()));
  const auto k = static_cast<int64_t>(counts.size());
  std::vector<int> y(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) y[static_cast<size_t>(i)] = index.at(labels[static_cast<size_t>(i)]);

  // The folds: a seeded Fisher-Yates permutation cut into near-equal parts.
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  kernels::SplitMix64 rng(kernels::information_fold_seed(o.seed));
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(rng.below(static_cast<uint64_t>(i) + 1))]);
  int64_t right = 0;
  for (int f = 0; f < o.folds; ++f) {
    const int64_t begin = n * f / o.folds, end = n * (f + 1) / o.folds;
    std::vector<int64_t> train, test(order.begin() + begin, order.begin() + end);
    train.insert(train.end(), order.begin(), order.begin() + begin);
    train.insert(train.end(), order.begin() + end, order.end());
    std::sort(train.begin(), train.end());
    std::sort(test.begin(), test.end());
    const Standardizer standardize(features, width, train);
    const std::vector<double> xtrain = to_double(standardize.apply(features, train));
    const std::vector<double> xtest = to_double(standardize.apply(features, test));
    std::vector<int> ytrain;
    for (int64_t r : train) ytrain.push_back(y[static_cast<size_t>(r)]);
    const std::vector<double> w = fit(xtrain, static_cast<int64_t>(train.size()), width, ytrain, k, o);
    for (size_t t = 0; t < test.size(); ++t)
      right += predict(w, &xtest[t * static_cast<size_t>(width)], width, k) == y[static_cast<size_t>(test[t])];
  }
  InformationProbeResult r;
  r.rows = n;
  r.classes = k;
  r.accuracy = 100.0 * static_cast<double>(right) / static_cast<double>(n);
  wilson_interval95(right, n, r.ci95_low, r.ci95_high);
  r.ci95_low *= 100, r.ci95_high *= 100;
  int64_t majority = 0;
  for (const auto& [l, c] : counts) majority = std::max(majority, c);
  r.chance = 100.0 * static_cast<double>(majority) / static_cast<double>(n);
  r.uniform = 100.0 / static_cast<double>(k);
  return r;
}

}  // namespace grain
