// The information probe (experiments/information_probe.h): cross-validated
// multinomial logistic regression on frozen encodings. Checked against what
// is known without it: a separable set is learnt, labels independent of the
// features stay at chance, two unit Gaussians 2 apart reach the Bayes
// accuracy Phi(1) = 84.13%, and the Wilson interval's hand-worked values.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "experiments/information_probe.h"

using namespace grain;

namespace {

struct Set {
  std::vector<float> x;
  std::vector<int> y;
};

// n rows of width d: class c = i % classes, centred at `spread` * e_c (plus unit noise).
Set blobs(int n, int d, int classes, double spread, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> noise(0, 1);
  Set s;
  for (int i = 0; i < n; ++i) {
    const int c = i % classes;
    s.y.push_back(c);
    for (int j = 0; j < d; ++j) s.x.push_back(static_cast<float>(noise(gen) + (j == c ? spread : 0.0)));
  }
  return s;
}

}  // namespace

TEST_CASE("information probe: a separable set is learnt, independent labels stay at chance") {
  const Set separable = blobs(300, 8, 3, 8.0, 1);
  const InformationProbeResult r = information_probe(separable.x, 8, separable.y, {});
  CHECK(r.accuracy >= 98.0);
  CHECK(r.classes == 3);
  CHECK(r.rows == 300);
  CHECK(r.chance == Approx(100.0 / 3));
  CHECK(r.uniform == Approx(100.0 / 3));

  // The same features with labels that do not depend on them: 4 balanced classes.
  Set noise = blobs(400, 16, 4, 0.0, 2);
  std::mt19937 gen(3);
  for (int& y : noise.y) y = static_cast<int>(gen() % 4);
  const InformationProbeResult n = information_probe(noise.x, 16, noise.y, {});
  // 95% of the time within about 2 standard errors (sqrt(.25 * .75 / 400) = 2.2 points) of 25%.
  CHECK(n.accuracy > 17.0);
  CHECK(n.accuracy < 33.0);
  CHECK(n.ci95_low < 25.0 + 8);
}

TEST_CASE("information probe: two unit Gaussians 2 apart reach the Bayes accuracy Phi(1) = 84.13%") {
  // x ~ N(-1, 1) for class 0 and N(+1, 1) for class 1, plus 3 pure-noise
  // features: the best rule (the sign of the first feature) is right with
  // probability Phi(1); a 2000-row cross-validated estimate is within ~1.6
  // points (2 standard errors) of it.
  std::mt19937 gen(7);
  std::normal_distribution<double> noise(0, 1);
  std::vector<float> x;
  std::vector<int> y;
  for (int i = 0; i < 2000; ++i) {
    y.push_back(i % 2);
    x.push_back(static_cast<float>(noise(gen) + (i % 2 ? 1.0 : -1.0)));
    for (int j = 0; j < 3; ++j) x.push_back(static_cast<float>(noise(gen)));
  }
  const InformationProbeResult r = information_probe(x, 4, y, {});
  CHECK(r.accuracy == Approx(84.13).margin(1.8));
  CHECK(r.ci95_low < 84.13);
  CHECK(r.ci95_high > 84.13);
}

TEST_CASE("information probe: chance is the majority share; same seed, same folds; bad input named") {
  Set s = blobs(100, 4, 2, 1.0, 4);
  for (int i = 0; i < 40; ++i) s.y[static_cast<size_t>(i)] = 1;  // 70 of class 1, 30 of class 0
  const InformationProbeResult a = information_probe(s.x, 4, s.y, {});
  CHECK(a.chance == Approx(70.0));
  CHECK(a.uniform == Approx(50.0));
  CHECK(information_probe(s.x, 4, s.y, {}).accuracy == a.accuracy);
  // Labels need not be 0..K-1: the distinct values are the classes.
  std::vector<int> shifted = s.y;
  for (int& y : shifted) y = y * 10 + 5;
  CHECK(information_probe(s.x, 4, shifted, {}).accuracy == a.accuracy);
  CHECK_THROWS_WITH(information_probe(s.x, 4, std::vector<int>(100, 3), {}), Catch::Contains("need two"));
  CHECK_THROWS_WITH(information_probe(s.x, 5, s.y, {}), Catch::Contains("rows of width 5"));
}

TEST_CASE("Wilson score interval: hand-worked values") {
  // 8 of 10: centre (0.8 + 1.96^2/20) / (1 + 1.96^2/10) = 0.7168, half-width
  // 1.96 sqrt(0.016 + 0.0096) / 1.3841 = 0.2266 (z = 1.959964).
  double low = 0, high = 0;
  wilson_interval95(8, 10, low, high);
  CHECK(low == Approx(0.4902).margin(1e-4));
  CHECK(high == Approx(0.9433).margin(1e-4));
  wilson_interval95(0, 20, low, high);
  CHECK(low == 0.0);
  CHECK(high == Approx(0.1611).margin(1e-4));  // z^2 / (n + z^2) = 3.8415 / 23.8415
}
