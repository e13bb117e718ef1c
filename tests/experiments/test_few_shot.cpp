// The transfer protocol's statistics against hand-worked values: the k-shot
// draw's properties, Student's t quantiles and the 95% confidence interval,
// standardisation from the training draw only, and the MLP probe on a
// separable toy set.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "engine/error.h"
#include "experiments/few_shot.h"
#include "kernels/counter_rng.h"

using namespace grain;
using Catch::Matchers::Contains;

namespace {

// 3 classes x 6 videos, ids "v00".."v17", class = index % 3.
void toy_pool(std::vector<std::string>& ids, std::vector<int>& classes) {
  for (int i = 0; i < 18; ++i) {
    ids.push_back((i < 10 ? "v0" : "v") + std::to_string(i));
    classes.push_back(i % 3);
  }
}

std::set<std::string> train_ids(const FewShotDraw& d, const std::vector<std::string>& ids) {
  std::set<std::string> s;
  for (const int64_t i : d.train) s.insert(ids[static_cast<size_t>(i)]);
  return s;
}

}  // namespace

TEST_CASE("k-shot draw: k per class, disjoint from and covering with the test set") {
  std::vector<std::string> ids;
  std::vector<int> classes;
  toy_pool(ids, classes);
  for (const int64_t k : {1, 2, 5}) {
    const FewShotDraw d = draw_few_shot(ids, classes, 3, k, 0, 4);
    REQUIRE(static_cast<int64_t>(d.train.size()) == 3 * k);
    REQUIRE(d.train.size() + d.test.size() == ids.size());
    std::map<int, int64_t> per_class;
    for (const int64_t i : d.train) ++per_class[classes[static_cast<size_t>(i)]];
    for (int c = 0; c < 3; ++c) CHECK(per_class[c] == k);
    std::set<int64_t> all(d.train.begin(), d.train.end());
    for (const int64_t i : d.test) CHECK(all.insert(i).second);  // disjoint
    CHECK(all.size() == ids.size());                             // covering
  }
}

TEST_CASE("k-shot draw: the same for the same (seed, run, k), whatever the order of the videos") {
  std::vector<std::string> ids;
  std::vector<int> classes;
  toy_pool(ids, classes);
  const FewShotDraw a = draw_few_shot(ids, classes, 3, 2, 7, 3);
  std::vector<std::string> rev_ids(ids.rbegin(), ids.rend());
  std::vector<int> rev_classes(classes.rbegin(), classes.rend());
  const FewShotDraw b = draw_few_shot(rev_ids, rev_classes, 3, 2, 7, 3);
  CHECK(train_ids(a, ids) == train_ids(b, rev_ids));
  CHECK(train_ids(draw_few_shot(ids, classes, 3, 2, 7, 3), ids) == train_ids(a, ids));
}

TEST_CASE("k-shot draw: other seeds and runs give other draws") {
  std::vector<std::string> ids;
  std::vector<int> classes;
  toy_pool(ids, classes);
  // C(6,2)^3 = 3375 possible draws: of 10 seeds and 10 runs, most must differ.
  std::set<std::set<std::string>> by_seed, by_run;
  for (uint64_t s = 0; s < 10; ++s) by_seed.insert(train_ids(draw_few_shot(ids, classes, 3, 2, s, 0), ids));
  for (int64_t r = 0; r < 10; ++r) by_run.insert(train_ids(draw_few_shot(ids, classes, 3, 2, 0, r), ids));
  CHECK(by_seed.size() >= 8);
  CHECK(by_run.size() >= 8);
  CHECK(kernels::few_shot_draw_seed(0, 1, 5) != kernels::few_shot_draw_seed(0, 1, 10));
  CHECK(kernels::few_shot_draw_seed(0, 1, 5) != kernels::few_shot_draw_seed(1, 1, 5));
}

TEST_CASE("k-shot draw: a class with k or fewer videos is refused, naming it") {
  std::vector<std::string> ids{"a", "b", "c", "d"};
  std::vector<int> classes{0, 0, 0, 1};
  CHECK_THROWS_WITH(draw_few_shot(ids, classes, 2, 1, 0, 0), Contains("class 1 has 1 videos"));
  CHECK_THROWS_WITH(draw_few_shot(ids, classes, 2, 0, 0, 0), Contains("at least 1"));
}

TEST_CASE("t quantiles: the table and the expansion beyond it") {
  CHECK(t_quantile_975(9) == Approx(2.262));
  CHECK(t_quantile_975(1) == Approx(12.706));
  CHECK(t_quantile_975(30) == Approx(2.042));
  // Published values (3 decimals): df 40 2.021, 60 2.000, 120 1.980, large -> 1.960.
  CHECK(t_quantile_975(40) == Approx(2.021).margin(1e-3));
  CHECK(t_quantile_975(60) == Approx(2.000).margin(1e-3));
  CHECK(t_quantile_975(120) == Approx(1.980).margin(1e-3));
  CHECK(t_quantile_975(100000) == Approx(1.960).margin(1e-3));
  CHECK_THROWS(t_quantile_975(0));
}

TEST_CASE("95% confidence interval: t(0.975, n-1) x sample sd / sqrt(n), hand-worked") {
  // 1..10: mean 5.5, sample variance 82.5 / 9 = 9.1667, sd 3.02765;
  // 2.262 x 3.02765 / 3.16228 = 2.16569.
  const MeanCi a = mean_ci95({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(a.mean == Approx(5.5));
  CHECK(a.ci95 == Approx(2.16569).epsilon(1e-5));
  // {10, 20}: sd 7.07107, t(1) = 12.706: 12.706 x 7.07107 / 1.41421 = 63.53.
  const MeanCi b = mean_ci95({10, 20});
  CHECK(b.mean == Approx(15));
  CHECK(b.ci95 == Approx(63.53).epsilon(1e-5));
  // Equal values: no spread.
  CHECK(mean_ci95({40, 40, 40}).ci95 == 0);
  CHECK(mean_ci95({7}).ci95 == 0);
}

TEST_CASE("standardisation uses the training rows only") {
  // Rows (1, 10), (3, 10), (100, -5); training rows 0 and 1: mean (2, 10),
  // population sd (1, 0). Row 2 becomes ((100 - 2) / 1, -5 - 10) = (98, -15)
  // (a feature without spread is only centred).
  const std::vector<float> x{1, 10, 3, 10, 100, -5};
  const Standardizer s(x, 2, {0, 1});
  CHECK(s.mean() == std::vector<double>{2, 10});
  CHECK(s.stddev() == std::vector<double>{1, 0});
  CHECK(s.apply(x, {2}) == std::vector<float>{98, -15});
  CHECK(s.apply(x, {0, 1}) == std::vector<float>{-1, 0, 1, 0});
  // The test row changes nothing: the same statistics with any row 2.
  std::vector<float> y = x;
  y[4] = -1e6f;
  CHECK(Standardizer(y, 2, {0, 1}).mean() == s.mean());
}

TEST_CASE("the probe learns a separable toy set") {
  // 3 classes, 8-dimensional points scattered (+-0.5) around distinct corners
  // scaled by 3: a linear rule separates them, so the probe must score 100%.
  auto point = [](int cls, uint64_t n, std::vector<float>& out) {
    for (int j = 0; j < 8; ++j) {
      const double centre = (j % 3 == cls) ? 3.0 : 0.0;
      out.push_back(static_cast<float>(centre + kernels::counter_uniform(n, static_cast<uint64_t>(j)) - 0.5));
    }
  };
  std::vector<float> train, test;
  std::vector<int> train_classes, test_classes;
  for (int i = 0; i < 6; ++i) point(i % 3, 100 + i, train), train_classes.push_back(i % 3);
  for (int i = 0; i < 30; ++i) point(i % 3, 500 + i, test), test_classes.push_back(i % 3);
  ProbeOptions o;
  o.hidden = 32;
  o.epochs = 100;
  o.lr = 1e-2;
  CHECK(train_probe_accuracy(train, train_classes, test, test_classes, 8, 3, o) == 100.0);
  // Labels unrelated to the points (test classes shifted): far below 100%.
  std::vector<int> shuffled = test_classes;
  for (int& c : shuffled) c = (c + 1) % 3;
  CHECK(train_probe_accuracy(train, train_classes, test, shuffled, 8, 3, o) == 0.0);
}
