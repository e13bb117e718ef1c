// defines: student_t_cdf, student_t_quantile, paired_difference, paired_contrast, verdict_name,
//          contrast_verdict, holm_adjusted, ordering_verdict (see paired_contrasts.h)
#include "experiments/paired_contrasts.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "engine/error.h"

namespace grain {

namespace {

// The continued fraction of the regularised incomplete beta function
// (Numerical Recipes' betacf, modified Lentz): I_x(a, b) = front * cf / a.
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-16;
  constexpr int kMaxIterations = 100000;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEps) return h;
  }
  GRAIN_THROW("incomplete beta: the continued fraction did not converge for a = " << a << ", b = " << b
                                                                                   << ", x = " << x);
}

// I_x(a, b) with y = 1 - x given separately, so that neither loses digits
// when the other is tiny (x = df / (df + t^2), y = t^2 / (df + t^2)).
double regularized_beta(double a, double b, double x, double y) {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log(y);
  const double front = std::exp(log_front);
  // The fraction converges fast for x < (a + 1) / (a + b + 2); above, use
  // I_x(a, b) = 1 - I_y(b, a).
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, y) / b;
}

// P(T > t) for t >= 0.
double t_upper_tail(double t, double df) {
  const double t2 = t * t;
  return 0.5 * regularized_beta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

double t_density(double t, double df) {
  return std::exp(std::lgamma((df + 1) / 2) - std::lgamma(df / 2) - 0.5 * std::log(df * std::numbers::pi) -
                  (df + 1) / 2 * std::log1p(t * t / df));
}

void check_df(double df, const char* what) {
  GRAIN_CHECK(std::isfinite(df) && df > 0, what << ": degrees of freedom must be finite and > 0, got " << df);
}

}  // namespace

double student_t_cdf(double t, double df) {
  check_df(df, "Student t CDF");
  GRAIN_CHECK(!std::isnan(t), "Student t CDF: t is NaN");
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  const double tail = t_upper_tail(std::fabs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double df) {
  check_df(df, "Student t quantile");
  GRAIN_CHECK(p > 0 && p < 1, "Student t quantile: probability must lie in (0, 1), got " << p);
  if (p == 0.5) return 0;
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  const double target = 1 - p;  // the upper tail to reach, in (0, 0.5)
  // Bracket [lo, hi] with tail(lo) >= target > tail(hi), then Newton steps on
  // tail(t) - target, falling back to bisection when a step leaves the bracket.
  double lo = 0, hi = 1;
  while (t_upper_tail(hi, df) >= target) {
    lo = hi;
    hi *= 2;
    GRAIN_CHECK(std::isfinite(hi), "Student t quantile: no bracket for p = " << p << ", df = " << df);
  }
  double t = 0.5 * (lo + hi);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const double excess = t_upper_tail(t, df) - target;
    if (excess > 0) lo = t;
    else hi = t;
    double next = t + excess / t_density(t, df);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - t) <= 1e-15 * std::fabs(t) || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  GRAIN_THROW("Student t quantile: no convergence for p = " << p << ", df = " << df);
}

std::vector<std::vector<double>> paired_difference(const std::vector<std::vector<double>>& a,
                                                   const std::vector<std::vector<double>>& b,
                                                   const std::string& what) {
  GRAIN_CHECK(a.size() == b.size(),
              what << ": " << a.size() << " seeds against " << b.size() << "; a paired contrast needs the same seeds");
  std::vector<std::vector<double>> d(a.size());
  for (size_t s = 0; s < a.size(); ++s) {
    GRAIN_CHECK(a[s].size() == b[s].size(), what << ": seed " << s << " has " << a[s].size() << " draws against "
                                                 << b[s].size() << "; a paired contrast needs the same draws");
    d[s].resize(a[s].size());
    for (size_t r = 0; r < a[s].size(); ++r) {
      GRAIN_CHECK(std::isfinite(a[s][r]) && std::isfinite(b[s][r]),
                  what << ": seed " << s << ", draw " << r << ": accuracy is not finite (" << a[s][r] << ", "
                       << b[s][r] << ")");
      d[s][r] = a[s][r] - b[s][r];
    }
  }
  return d;
}

PairedContrast paired_contrast(const std::vector<std::vector<double>>& d) {
  GRAIN_CHECK(!d.empty(), "paired contrast: no seeds");
  const size_t seeds = d.size(), draws = d[0].size();
  for (size_t s = 0; s < seeds; ++s) {
    GRAIN_CHECK(!d[s].empty(), "paired contrast: seed " << s << " has no draws");
    GRAIN_CHECK(d[s].size() == draws, "paired contrast: seed " << s << " has " << d[s].size() << " draws, seed 0 has "
                                                               << draws << "; every seed must see the same draws");
    for (size_t r = 0; r < draws; ++r)
      GRAIN_CHECK(std::isfinite(d[s][r]),
                  "paired contrast: seed " << s << ", draw " << r << " is not finite (" << d[s][r] << ")");
  }
  const double S = static_cast<double>(seeds), R = static_cast<double>(draws);
  PairedContrast result;
  result.seeds = static_cast<int64_t>(seeds);
  result.draws = static_cast<int64_t>(draws);

  std::vector<double> seed_mean(seeds, 0), draw_mean(draws, 0);
  for (size_t s = 0; s < seeds; ++s)
    for (size_t r = 0; r < draws; ++r) {
      seed_mean[s] += d[s][r];
      draw_mean[r] += d[s][r];
    }
  for (double& m : seed_mean) m /= R;
  for (double& m : draw_mean) m /= S;
  result.mean = std::accumulate(seed_mean.begin(), seed_mean.end(), 0.0) / S;
  if (seeds == 1) {
    result.status = IntervalStatus::kOneSeed;
    return result;
  }
  if (draws == 1) {
    result.status = IntervalStatus::kOneDraw;
    return result;
  }

  ContrastInterval ci;
  MeanSquares& ms = ci.mean_squares;
  ms.seed_df = result.seeds - 1;
  ms.draw_df = result.draws - 1;
  ms.residual_df = ms.seed_df * ms.draw_df;
  double ss_seed = 0, ss_draw = 0, ss_residual = 0;
  for (const double m : seed_mean) ss_seed += (m - result.mean) * (m - result.mean);
  for (const double m : draw_mean) ss_draw += (m - result.mean) * (m - result.mean);
  for (size_t s = 0; s < seeds; ++s)
    for (size_t r = 0; r < draws; ++r) {
      const double e = d[s][r] - seed_mean[s] - draw_mean[r] + result.mean;
      ss_residual += e * e;
    }
  ms.seed = R * ss_seed / static_cast<double>(ms.seed_df);
  ms.draw = S * ss_draw / static_cast<double>(ms.draw_df);
  ms.residual = ss_residual / static_cast<double>(ms.residual_df);

  ci.components.seed = std::max(0.0, (ms.seed - ms.residual) / R);
  ci.components.draw = std::max(0.0, (ms.draw - ms.residual) / S);
  ci.components.interaction = ms.residual;

  // se^2 S R as a combination of mean squares (the truncated components'
  // sum): coefficients in {1, 0, -1}.
  const double c_seed = ms.seed > ms.residual ? 1 : 0;
  const double c_draw = ms.draw > ms.residual ? 1 : 0;
  const double c_residual = 1 - c_seed - c_draw;
  const double combination = c_seed * ms.seed + c_draw * ms.draw + c_residual * ms.residual;
  ci.se = std::sqrt(combination / (S * R));
  if (c_seed == 0 && c_draw == 0) {
    // MS_resid alone: Satterthwaite's formula gives its own df (also when it is 0).
    ci.df = static_cast<double>(ms.residual_df);
  } else {
    const auto term = [](double c, double m, int64_t df) { return c * m * c * m / static_cast<double>(df); };
    ci.df = combination * combination /
            (term(c_seed, ms.seed, ms.seed_df) + term(c_draw, ms.draw, ms.draw_df) +
             term(c_residual, ms.residual, ms.residual_df));
  }
  const double half_width = student_t_quantile(0.5 + kContrastConfidence / 2, ci.df) * ci.se;
  ci.lo = result.mean - half_width;
  ci.hi = result.mean + half_width;
  if (ci.se > 0) ci.p = 2 * t_upper_tail(std::fabs(result.mean) / ci.se, ci.df);
  else ci.p = result.mean == 0 ? 1 : 0;
  result.interval = ci;
  return result;
}

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kShown: return "shown";
    case Verdict::kContradicted: return "contradicted";
    case Verdict::kNotResolved: return "not resolved";
    case Verdict::kNotResolvedOneSeed: return "not resolved (one seed)";
    case Verdict::kNotResolvedOneDraw: return "not resolved (one draw)";
  }
  GRAIN_THROW("verdict_name: unknown verdict " << static_cast<int>(verdict));
}

Verdict contrast_verdict(const PairedContrast& contrast) {
  if (contrast.status == IntervalStatus::kOneSeed) return Verdict::kNotResolvedOneSeed;
  if (contrast.status == IntervalStatus::kOneDraw) return Verdict::kNotResolvedOneDraw;
  GRAIN_CHECK(contrast.interval.has_value(), "contrast verdict: an estimated contrast without its interval");
  if (contrast.interval->lo > 0) return Verdict::kShown;
  if (contrast.interval->hi < 0) return Verdict::kContradicted;
  return Verdict::kNotResolved;
}

std::vector<double> holm_adjusted(const std::vector<double>& p) {
  for (size_t i = 0; i < p.size(); ++i)
    GRAIN_CHECK(p[i] >= 0 && p[i] <= 1, "Holm adjustment: p-value " << i << " is " << p[i] << ", not in [0, 1]");
  std::vector<size_t> order(p.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> adjusted(p.size());
  const double m = static_cast<double>(p.size());
  double running_max = 0;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    running_max = std::max(running_max, std::min(1.0, (m - static_cast<double>(rank)) * p[order[rank]]));
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

Verdict ordering_verdict(const std::vector<PairedContrast>& adjacent) {
  GRAIN_CHECK(!adjacent.empty(), "ordering verdict: no contrasts");
  for (const PairedContrast& c : adjacent) {
    const Verdict v = contrast_verdict(c);
    if (v == Verdict::kNotResolvedOneSeed || v == Verdict::kNotResolvedOneDraw) return v;
  }
  bool all_shown = true;
  std::vector<double> p;
  for (const PairedContrast& c : adjacent) {
    all_shown = all_shown && contrast_verdict(c) == Verdict::kShown;
    p.push_back(c.interval->p);
  }
  if (all_shown) return Verdict::kShown;
  const std::vector<double> adjusted = holm_adjusted(p);
  for (size_t i = 0; i < adjacent.size(); ++i)
    if (adjacent[i].mean < 0 && adjusted[i] < 1 - kContrastConfidence) return Verdict::kContradicted;
  return Verdict::kNotResolved;
}

}  // namespace grain
