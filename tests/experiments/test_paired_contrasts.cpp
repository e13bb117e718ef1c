// The paired-contrast statistics (experiments/paired_contrasts.h) against an
// independent reference and against their promise:
//  - numpy/scipy values (tests/fixtures/experiments/paired_contrasts.json, made
//    by make_paired_fixture.py): the ANOVA estimator on small matrices through
//    every branch of the truncation rule, and Student's t CDF and quantile at
//    integer and fractional df, to 1e-9;
//  - hand-worked values: a 2 x 2 contrast, Holm's adjustment, the verdicts;
//  - the edge cases (one seed, one draw, no spread) without a NaN;
//  - the coverage of the 95% interval on simulated crossed data with known
//    variance components at the design's sizes, and the failure of an interval
//    over seeds alone when the draws dominate (so the coverage test can fail).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <stdexcept>

#include "engine/error.h"
#include "experiments/few_shot.h"
#include "experiments/paired_contrasts.h"
#include "kernels/counter_rng.h"

using namespace grain;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

const json& fixture() {
  static const json data = [] {
    const char* path = GRAIN_EXPERIMENTS_FIXTURES "/paired_contrasts.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error(std::string("cannot open ") + path);
    return json::parse(in);
  }();
  return data;
}

std::vector<std::vector<double>> matrix(const json& rows) {
  std::vector<std::vector<double>> d;
  for (const json& row : rows) d.push_back(row.get<std::vector<double>>());
  return d;
}

PairedContrast with_interval(double mean, double lo, double hi, double p) {
  PairedContrast c;
  c.seeds = 3;
  c.draws = 50;
  c.mean = mean;
  ContrastInterval ci;
  ci.lo = lo;
  ci.hi = hi;
  ci.p = p;
  c.interval = ci;
  return c;
}

PairedContrast one_seed(double mean) {
  PairedContrast c;
  c.seeds = 1;
  c.draws = 50;
  c.mean = mean;
  c.status = IntervalStatus::kOneSeed;
  return c;
}

// Standard normal deviates from the project's SplitMix64 stream (Box-Muller),
// the same on every standard library.
class Normals {
 public:
  explicit Normals(uint64_t seed) : rng_(seed) {}
  double next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = (static_cast<double>(rng_.next() >> 11) + 1) * (1.0 / 9007199254740992.0);  // (0, 1]
    const double u2 = static_cast<double>(rng_.next() >> 11) * (1.0 / 9007199254740992.0);        // [0, 1)
    const double radius = std::sqrt(-2 * std::log(u1)), angle = 2 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  kernels::SplitMix64 rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// A variance mix as the shares of Var(mean) that the seed, draw and
// interaction terms contribute at the design's size (they sum to 1).
struct Mix {
  const char* name;
  double seed, draw, interaction;
};

struct Coverage {
  double paired = 0;     // the paired contrast's interval
  double seeds_only = 0; // a t interval over the S per-seed means (the draw term left out)
};

// The fraction of `experiments` simulated S x R crossed experiments whose 95%
// interval holds the true mean. Var(mean) = 1: s2_seed = share S,
// s2_draw = share R, s2_inter = share S R.
Coverage simulate_coverage(int seeds, int draws, const Mix& mix, int experiments, uint64_t seed) {
  constexpr double kTrueMean = 0.7;
  const double sd_seed = std::sqrt(mix.seed * seeds), sd_draw = std::sqrt(mix.draw * draws),
               sd_inter = std::sqrt(mix.interaction * seeds * draws);
  Normals normal(seed);
  std::vector<std::vector<double>> d(static_cast<size_t>(seeds), std::vector<double>(static_cast<size_t>(draws)));
  std::vector<double> seed_effect(static_cast<size_t>(seeds)), draw_effect(static_cast<size_t>(draws));
  std::vector<double> seed_means(static_cast<size_t>(seeds));
  int paired_hits = 0, seeds_only_hits = 0;
  for (int e = 0; e < experiments; ++e) {
    for (double& a : seed_effect) a = sd_seed * normal.next();
    for (double& b : draw_effect) b = sd_draw * normal.next();
    for (size_t s = 0; s < d.size(); ++s) {
      seed_means[s] = 0;
      for (size_t r = 0; r < d[s].size(); ++r) {
        d[s][r] = kTrueMean + seed_effect[s] + draw_effect[r] + sd_inter * normal.next();
        seed_means[s] += d[s][r] / draws;
      }
    }
    const PairedContrast c = paired_contrast(d);
    if (c.interval->lo <= kTrueMean && kTrueMean <= c.interval->hi) ++paired_hits;
    const MeanCi naive = mean_ci95(seed_means);
    if (std::fabs(naive.mean - kTrueMean) <= naive.ci95) ++seeds_only_hits;
  }
  return {static_cast<double>(paired_hits) / experiments, static_cast<double>(seeds_only_hits) / experiments};
}

}  // namespace

TEST_CASE("paired contrast: the ANOVA estimator agrees with numpy/scipy on small matrices") {
  const json& cases = fixture().at("contrasts");
  REQUIRE(cases.size() >= 5);
  for (const json& expected : cases) {
    INFO(expected.at("name").get<std::string>());
    const PairedContrast c = paired_contrast(matrix(expected.at("d")));
    REQUIRE(c.status == IntervalStatus::kEstimated);
    REQUIRE(c.interval.has_value());
    const ContrastInterval& ci = *c.interval;
    CHECK(c.mean == Approx(expected.at("mean").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.mean_squares.seed == Approx(expected.at("ms_seed").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.mean_squares.draw == Approx(expected.at("ms_draw").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.mean_squares.residual == Approx(expected.at("ms_residual").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.components.seed == Approx(expected.at("var_seed").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.components.draw == Approx(expected.at("var_draw").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.components.interaction == Approx(expected.at("var_interaction").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.se == Approx(expected.at("se").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.df == Approx(expected.at("df").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.lo == Approx(expected.at("lo").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.hi == Approx(expected.at("hi").get<double>()).margin(1e-9).epsilon(0));
    CHECK(ci.p == Approx(expected.at("p").get<double>()).margin(1e-9).epsilon(0));
  }
  // Every branch of the truncation rule is in the fixture.
  int branches = 0;
  for (const bool seed_kept : {true, false})
    for (const bool draw_kept : {true, false})
      for (const json& expected : cases)
        if (expected.at("seed_kept").get<bool>() == seed_kept && expected.at("draw_kept").get<bool>() == draw_kept) {
          ++branches;
          break;
        }
  CHECK(branches == 4);
}

TEST_CASE("Student t CDF and quantile agree with scipy at integer and fractional df") {
  for (const json& e : fixture().at("t_cdf")) {
    const double t = e.at("t").get<double>(), df = e.at("df").get<double>();
    INFO("t = " << t << ", df = " << df);
    CHECK(student_t_cdf(t, df) == Approx(e.at("cdf").get<double>()).margin(1e-9).epsilon(0));
  }
  for (const json& e : fixture().at("t_quantile")) {
    const double p = e.at("p").get<double>(), df = e.at("df").get<double>(), t = e.at("t").get<double>();
    INFO("p = " << p << ", df = " << df);
    CHECK(student_t_quantile(p, df) == Approx(t).margin(1e-9 * std::max(1.0, std::fabs(t))).epsilon(0));
  }
  // Closed forms: df = 1 is Cauchy, df = 2 has F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
  CHECK(student_t_quantile(0.975, 1) == Approx(std::tan(std::numbers::pi * 0.475)).epsilon(1e-13));
  CHECK(student_t_cdf(1.5, 2) == Approx(0.5 + 1.5 / (2 * std::sqrt(2 + 2.25))).epsilon(1e-14));
  // The project's table of t(0.975, n) (3 decimals).
  for (const int df : {1, 2, 9, 30, 49})
    CHECK(student_t_quantile(0.975, df) == Approx(t_quantile_975(df)).margin(1e-3));
  CHECK_THROWS_WITH(student_t_quantile(1.0, 3), Contains("probability must lie in (0, 1), got 1"));
  CHECK_THROWS_WITH(student_t_cdf(1.0, 0), Contains("degrees of freedom must be finite and > 0, got 0"));
  CHECK_THROWS_WITH(student_t_cdf(std::nan(""), 3), Contains("t is NaN"));
}

TEST_CASE("paired contrast: a hand-worked 2 x 2 matrix") {
  // d = [[1, 4], [2.5, 0.5]]: mean 2; seed means 2.5, 1.5 -> MS_seed = 2 (0.25 + 0.25) = 1;
  // draw means 1.75, 2.25 -> MS_draw = 2 (0.0625 + 0.0625) = 0.25; residuals +-1.25 ->
  // MS_resid = 6.25 (1 df). Both components truncate to 0, so se^2 = 6.25 / 4, df = 1,
  // and the half-width is t(0.975, 1) 1.25 = 12.7062 x 1.25.
  const PairedContrast c = paired_contrast({{1, 4}, {2.5, 0.5}});
  REQUIRE(c.interval.has_value());
  CHECK(c.mean == Approx(2));
  CHECK(c.interval->mean_squares.seed == Approx(1));
  CHECK(c.interval->mean_squares.draw == Approx(0.25));
  CHECK(c.interval->mean_squares.residual == Approx(6.25));
  CHECK(c.interval->components.seed == 0);
  CHECK(c.interval->components.draw == 0);
  CHECK(c.interval->se == Approx(1.25));
  CHECK(c.interval->df == 1);
  CHECK(c.interval->hi - c.mean == Approx(12.706204736 * 1.25).epsilon(1e-9));
  // p = 2 P(T_1 > 1.6) = 1 - 2 atan(1.6) / pi.
  CHECK(c.interval->p == Approx(1 - 2 * std::atan(1.6) / std::numbers::pi).epsilon(1e-12));
  CHECK(contrast_verdict(c) == Verdict::kNotResolved);
}

TEST_CASE("paired contrast: one seed, one draw and no spread give flagged results, never a NaN") {
  SECTION("one seed: the seed term cannot be estimated") {
    const PairedContrast c = paired_contrast({{1, 2, 6}});
    CHECK(c.mean == Approx(3));
    CHECK(c.status == IntervalStatus::kOneSeed);
    CHECK_FALSE(c.interval.has_value());
    CHECK(std::string(verdict_name(contrast_verdict(c))) == "not resolved (one seed)");
    CHECK(ordering_verdict({c, c, c}) == Verdict::kNotResolvedOneSeed);
    CHECK(paired_contrast({{4}}).status == IntervalStatus::kOneSeed);
  }
  SECTION("one draw: the shared draw's term cannot be estimated") {
    const PairedContrast c = paired_contrast({{1}, {2}, {6}});
    CHECK(c.mean == Approx(3));
    CHECK(c.status == IntervalStatus::kOneDraw);
    CHECK_FALSE(c.interval.has_value());
    CHECK(std::string(verdict_name(contrast_verdict(c))) == "not resolved (one draw)");
  }
  SECTION("every value equal: se 0, the residual's df, the interval a point") {
    const PairedContrast c = paired_contrast({{2.5, 2.5, 2.5}, {2.5, 2.5, 2.5}});
    REQUIRE(c.interval.has_value());
    CHECK(c.interval->se == 0);
    CHECK(c.interval->df == 2);
    CHECK(c.interval->lo == 2.5);
    CHECK(c.interval->hi == 2.5);
    CHECK(c.interval->p == 0);
    CHECK(contrast_verdict(c) == Verdict::kShown);
    const PairedContrast zero = paired_contrast({{0, 0}, {0, 0}});
    CHECK(zero.interval->p == 1);
    CHECK(contrast_verdict(zero) == Verdict::kNotResolved);
  }
  SECTION("purely additive seed and draw effects: MS_resid = 0, finite df") {
    // d_sr = a_s + b_r with a = (0, 2), b = (0, 1, 3): mean 7/3; seed means 4/3, 10/3 ->
    // MS_seed = 3 (1 + 1) / 1 = 6; draw means 1, 2, 4 -> MS_draw = 2 (16 + 1 + 25) / 9 / 2 = 42/9.
    // se^2 = (6 + 42/9) / 6 = 16/9; df = (96/9)^2 / (6^2 / 1 + (42/9)^2 / 2 + 0).
    const PairedContrast c = paired_contrast({{0, 1, 3}, {2, 3, 5}});
    REQUIRE(c.interval.has_value());
    CHECK(c.interval->mean_squares.residual == Approx(0).margin(1e-15));
    CHECK(c.interval->mean_squares.seed == Approx(6));
    CHECK(c.interval->mean_squares.draw == Approx(42.0 / 9));
    CHECK(c.interval->se == Approx(4.0 / 3));
    CHECK(c.interval->df == Approx((96.0 / 9) * (96.0 / 9) / (36 + (42.0 / 9) * (42.0 / 9) / 2)));
    CHECK(std::isfinite(c.interval->p));
  }
}

TEST_CASE("paired contrast: bad input is refused, naming the seed and draw") {
  CHECK_THROWS_WITH(paired_contrast({}), Contains("paired contrast: no seeds"));
  CHECK_THROWS_WITH(paired_contrast({{1, 2}, {}}), Contains("seed 1 has no draws"));
  CHECK_THROWS_WITH(paired_contrast({{1, 2}, {3}}), Contains("seed 1 has 1 draws, seed 0 has 2"));
  CHECK_THROWS_WITH(paired_contrast({{1, 2}, {3, std::nan("")}}), Contains("seed 1, draw 1 is not finite"));
  CHECK_THROWS_WITH(paired_difference({{1, 2}}, {{1, 2}, {3, 4}}, "FG - CG at k = 10"),
                    Contains("FG - CG at k = 10: 1 seeds against 2"));
  CHECK_THROWS_WITH(paired_difference({{1, 2}}, {{1}}, "FG - CG"), Contains("FG - CG: seed 0 has 2 draws against 1"));
  CHECK(paired_difference({{80, 70}}, {{75, 71.5}}, "x") == std::vector<std::vector<double>>{{5, -1.5}});
}

TEST_CASE("Holm's step-down adjustment on hand-worked p-values") {
  // Sorted 0.01, 0.03, 0.04: 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, max(0.06, 1 x 0.04) = 0.06.
  std::vector<double> a = holm_adjusted({0.01, 0.04, 0.03});
  REQUIRE(a.size() == 3);
  CHECK(a[0] == Approx(0.03));
  CHECK(a[1] == Approx(0.06));
  CHECK(a[2] == Approx(0.06));
  // Sorted 0.001, 0.02, 0.04, 0.5: 0.004, 0.06, 0.08, 0.5.
  a = holm_adjusted({0.5, 0.001, 0.02, 0.04});
  CHECK(a[0] == Approx(0.5));
  CHECK(a[1] == Approx(0.004));
  CHECK(a[2] == Approx(0.06));
  CHECK(a[3] == Approx(0.08));
  // Capped at 1 and kept monotone: 2 x 0.6 -> 1, then max(1, 0.7) = 1.
  CHECK(holm_adjusted({0.7, 0.6}) == std::vector<double>{1, 1});
  // Ties: 3 x 0.02 = 0.06 for both, then 0.5.
  a = holm_adjusted({0.02, 0.5, 0.02});
  CHECK(a[0] == Approx(0.06));
  CHECK(a[1] == Approx(0.5));
  CHECK(a[2] == Approx(0.06));
  CHECK(holm_adjusted({}).empty());
  CHECK_THROWS_WITH(holm_adjusted({0.1, 1.5}), Contains("p-value 1 is 1.5, not in [0, 1]"));
  CHECK_THROWS_WITH(holm_adjusted({std::nan("")}), Contains("p-value 0 is nan"));
}

TEST_CASE("verdicts: a contrast by its interval, the ordering by intersection-union") {
  CHECK(contrast_verdict(with_interval(2, 0.5, 3.5, 0.01)) == Verdict::kShown);
  CHECK(contrast_verdict(with_interval(-2, -3.5, -0.5, 0.01)) == Verdict::kContradicted);
  CHECK(contrast_verdict(with_interval(1, -0.5, 2.5, 0.2)) == Verdict::kNotResolved);
  CHECK(contrast_verdict(with_interval(1, 0, 2, 0.05)) == Verdict::kNotResolved);  // touching 0 is not above it
  CHECK(std::string(verdict_name(Verdict::kShown)) == "shown");
  CHECK(std::string(verdict_name(Verdict::kContradicted)) == "contradicted");
  CHECK(std::string(verdict_name(Verdict::kNotResolved)) == "not resolved");

  const PairedContrast shown_a = with_interval(2, 0.5, 3.5, 0.01), shown_b = with_interval(1, 0.1, 1.9, 0.04);
  CHECK(ordering_verdict({shown_a, shown_b, shown_a}) == Verdict::kShown);
  // One contrast not shown: the ordering is not shown, whatever the others.
  CHECK(ordering_verdict({shown_a, with_interval(1, -0.5, 2.5, 0.2), shown_a}) == Verdict::kNotResolved);
  // A reversal with Holm-adjusted p = 3 x 0.001 < 0.05: contradicted.
  CHECK(ordering_verdict({shown_a, with_interval(-2, -3, -1, 0.001), shown_a}) == Verdict::kContradicted);
  // A reversal shown on its own (p = 0.03 < 0.05) but not after Holm (0.06 or more): not resolved.
  const PairedContrast weak_reversal = with_interval(-1, -1.9, -0.1, 0.03);
  CHECK(contrast_verdict(weak_reversal) == Verdict::kContradicted);
  CHECK(ordering_verdict({with_interval(1, -0.5, 2.5, 0.2), weak_reversal, with_interval(1, -0.5, 2.5, 0.3)}) ==
        Verdict::kNotResolved);
  // Any contrast without an interval leaves the ordering unresolved for that reason.
  CHECK(ordering_verdict({shown_a, one_seed(1), shown_a}) == Verdict::kNotResolvedOneSeed);
}

TEST_CASE("paired contrast: 95% coverage on simulated crossed seeds x draws at the design's sizes") {
  // Shares of Var(mean) from the seed, draw and interaction terms. The
  // coverages measured (docs/spec/transfer-protocol.md) lie within the 93% to
  // 97% the spec asks for, with little room at 3 seeds: 93.25% seed-dominant
  // (Satterthwaite's df is liberal when the seed mean square has 2 df) and
  // about 96.8% interaction-dominant at 3 and 5 seeds (truncation at 0).
  const Mix mixes[] = {{"seed-dominant", 0.8, 0.1, 0.1},
                       {"draw-dominant", 0.1, 0.8, 0.1},
                       {"interaction-dominant", 0.1, 0.1, 0.8}};
  constexpr int kExperiments = 10000;
  uint64_t stream = 1;
  for (const int seeds : {3, 5, 10}) {
    for (const Mix& mix : mixes) {
      const Coverage c = simulate_coverage(seeds, 50, mix, kExperiments, kernels::mix64(stream++));
      INFO(seeds << " seeds x 50 draws, " << mix.name << ": coverage " << c.paired << ", over seeds alone "
                 << c.seeds_only);
      CHECK(c.paired >= 0.93);
      CHECK(c.paired <= 0.97);
      // An interval over the per-seed means leaves the shared draws out: when
      // they dominate, it fails the same coverage test.
      if (mix.draw > mix.seed) CHECK(c.seeds_only < 0.93);
    }
  }
}

// Not in the default set (hidden tag); run by hand for the table in
// docs/spec/transfer-protocol.md:
//   build/bin/paired_contrasts_tests "[coverage-grid]"
// The coverage over a grid of mixes (shares of Var(mean) in steps of 0.2) at
// 3, 5 and 10 seeds and 10 and 50 draws, 20,000 experiments per point.
TEST_CASE("paired contrast: coverage over a grid of variance mixes", "[.][coverage-grid]") {
  constexpr int kExperiments = 20000;
  uint64_t stream = 1000;
  for (const int draws : {10, 50}) {
    for (const int seeds : {3, 5, 10}) {
      double lowest = 1, highest = 0;
      std::printf("%d seeds x %d draws (shares seed/draw/interaction: coverage)\n", seeds, draws);
      for (int i = 0; i <= 5; ++i)
        for (int j = 0; i + j <= 5; ++j) {
          const Mix mix{"grid", i / 5.0, j / 5.0, (5 - i - j) / 5.0};
          const double c = simulate_coverage(seeds, draws, mix, kExperiments, kernels::mix64(stream++)).paired;
          lowest = std::min(lowest, c);
          highest = std::max(highest, c);
          std::printf("  %.1f/%.1f/%.1f: %.4f\n", mix.seed, mix.draw, mix.interaction, c);
        }
      std::printf("  range %.4f - %.4f\n", lowest, highest);
    }
  }
}
