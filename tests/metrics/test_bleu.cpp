// Hand-worked BLEU cases (counts done on paper, see the comments).
#include <catch2/catch.hpp>

#include <cmath>

#include "data/metrics/bleu.h"

using namespace grain::metrics;

TEST_CASE("metrics/bleu: clipped n-gram precisions of one pair", "[metrics][bleu]") {
  // hyp: the cat sat on the mat / ref: the cat sat on a mat (both 6 words, no brevity penalty)
  // 1-grams: the(2, clipped to 1) cat sat on mat -> 5/6
  // 2-grams: the cat, cat sat, sat on match; on the, the mat do not -> 3/5
  // 3-grams: the cat sat, cat sat on -> 2/4;  4-grams: the cat sat on -> 1/3
  const Tokens hyp = split_spaces("the cat sat on the mat");
  const Tokens ref = split_spaces("the cat sat on a mat");
  const BleuStats s = bleu_stats(hyp, ref);
  CHECK(s.correct == std::array<long long, 4>{5, 3, 2, 1});
  CHECK(s.guess == std::array<long long, 4>{6, 5, 4, 3});
  const auto b = corpus_bleu({hyp}, {ref});
  CHECK(b[0] == Approx(5.0 / 6).epsilon(1e-9));
  CHECK(b[1] == Approx(std::sqrt(5.0 / 6 * 3.0 / 5)).epsilon(1e-9));
  CHECK(b[2] == Approx(std::cbrt(5.0 / 6 * 3.0 / 5 * 2.0 / 4)).epsilon(1e-9));
  CHECK(b[3] == Approx(std::pow(1.0 / 12, 0.25)).epsilon(1e-9));
}

TEST_CASE("metrics/bleu: brevity penalty and the toolkit's guard for missing n-grams", "[metrics][bleu]") {
  // hyp "the cat" (2 words) vs a 6-word reference: BP = exp(1 - 6/2) = exp(-2).
  // No 3-grams in the hypothesis: precision (0 + 1e-15) / (0 + 1e-9) = 1e-6.
  const auto b = corpus_bleu({split_spaces("the cat")}, {split_spaces("the cat sat on the mat")});
  CHECK(b[0] == Approx(std::exp(-2.0)).epsilon(1e-8));
  CHECK(b[1] == Approx(std::exp(-2.0)).epsilon(1e-8));
  CHECK(b[2] == Approx(std::cbrt(1e-6) * std::exp(-2.0)).epsilon(1e-6));
}

TEST_CASE("metrics/bleu: corpus level sums statistics before dividing", "[metrics][bleu]") {
  // pair 1: 2/2 unigrams right; pair 2: 0/4 right, so BLEU-1 = 2/6, not mean(1, 0) = 0.5.
  // Lengths: hyp 6 = ref 6, no penalty.
  const auto b = corpus_bleu({split_spaces("a b"), split_spaces("w x y z")},
                             {split_spaces("a b"), split_spaces("c d e f")});
  CHECK(b[0] == Approx(2.0 / 6).epsilon(1e-9));
}

TEST_CASE("metrics/bleu: mismatched sizes are an error", "[metrics][bleu]") {
  CHECK_THROWS_AS(corpus_bleu({split_spaces("a")}, {}), std::invalid_argument);
}
