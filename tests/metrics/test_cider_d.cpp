// Hand-worked CIDEr-D cases (N = 2 references, so idf = ln 2 - ln df).
#include <catch2/catch.hpp>

#include <cmath>

#include "data/metrics/cider_d.h"

using namespace grain::metrics;

TEST_CASE("metrics/cider_d: identical and disjoint captions", "[metrics][cider]") {
  // Pair 1 "a b" = "a b": cosine 1 for n = 1 and 2, 0 for n = 3, 4 (no n-grams):
  // 10 * (1 + 1 + 0 + 0) / 4 = 5. Pair 2 "c" vs "d": nothing in common, 0.
  const CiderResult r = corpus_cider_d({split_spaces("a b"), split_spaces("c")}, {split_spaces("a b"), split_spaces("d")});
  REQUIRE(r.per_caption.size() == 2);
  CHECK(r.per_caption[0] == Approx(5.0).epsilon(1e-12));
  CHECK(r.per_caption[1] == 0.0);
  CHECK(r.score == Approx(2.5).epsilon(1e-12));
}

TEST_CASE("metrics/cider_d: clipping, norms and the bigram-count length penalty", "[metrics][cider]") {
  // Pair 1: hyp "a b x y", ref "a b". Every n-gram weight is ln 2 (df 1 or 0 of N = 2).
  // n=1: overlap a, b: 2 ln2^2 / (|hyp| 2 ln2 * |ref| sqrt2 ln2) = 1/sqrt2
  // n=2: overlap "a b": ln2^2 / (sqrt3 ln2 * ln2) = 1/sqrt3; n=3,4: the reference has none: 0.
  // Lengths counted in bigrams: 3 vs 1, delta 2, penalty exp(-4 / 72).
  const CiderResult r =
      corpus_cider_d({split_spaces("a b x y"), split_spaces("c")}, {split_spaces("a b"), split_spaces("d")});
  const double expected = 10.0 * (1 / std::sqrt(2.0) + 1 / std::sqrt(3.0)) / 4 * std::exp(-4.0 / 72);
  CHECK(r.per_caption[0] == Approx(expected).epsilon(1e-12));
  CHECK(r.score == Approx(expected / 2).epsilon(1e-12));
}

TEST_CASE("metrics/cider_d: a repeated word earns no more than the reference has", "[metrics][cider]") {
  // "a a a a" vs "a b": unigram "a" weight 4 ln2 in the hyp, ln2 in the ref; clipped to ln2.
  // n=1: ln2 * ln2 / (4 ln2 * sqrt2 ln2) = 1/(4 sqrt2); n=2: "a a" not in ref: 0.
  // Bigram lengths 3 vs 1: penalty exp(-4/72).
  const CiderResult r =
      corpus_cider_d({split_spaces("a a a a"), split_spaces("c")}, {split_spaces("a b"), split_spaces("d")});
  CHECK(r.per_caption[0] == Approx(10.0 * (1 / (4 * std::sqrt(2.0))) / 4 * std::exp(-4.0 / 72)).epsilon(1e-12));
}
