// Hand-worked ROUGE-L cases.
#include <catch2/catch.hpp>

#include "data/metrics/rouge_l.h"

using namespace grain::metrics;

TEST_CASE("metrics/rouge_l: longest common subsequence", "[metrics][rouge]") {
  CHECK(lcs_length(split_spaces("a b c d"), split_spaces("a c e")) == 2);
  CHECK(lcs_length(split_spaces("a b c"), split_spaces("c b a")) == 1);
  CHECK(lcs_length(split_spaces("x y"), split_spaces("p q")) == 0);
  CHECK(lcs_length(split_spaces("pushing cup from left to right"),
                   split_spaces("pushing the cup from right to left")) == 4);  // pushing cup from + one of left/to/right
}

TEST_CASE("metrics/rouge_l: F-measure with beta 1.2", "[metrics][rouge]") {
  // LCS("a b c d", "a c e") = 2: P = 2/4, R = 2/3.
  const double p = 0.5, r = 2.0 / 3;
  const double expected = (1 + 1.44) * p * r / (r + 1.44 * p);  // = 0.58653...
  CHECK(sentence_rouge_l(split_spaces("a b c d"), split_spaces("a c e")) == Approx(expected).epsilon(1e-12));
  CHECK(expected == Approx(0.586538).margin(1e-6));
  CHECK(sentence_rouge_l(split_spaces("a b"), split_spaces("a b")) == Approx(1.0));
  CHECK(sentence_rouge_l({}, split_spaces("a b")) == 0.0);
  CHECK(sentence_rouge_l(split_spaces("x"), split_spaces("a b")) == 0.0);
}

TEST_CASE("metrics/rouge_l: corpus score is the mean", "[metrics][rouge]") {
  CHECK(corpus_rouge_l({split_spaces("a b"), split_spaces("x")}, {split_spaces("a b"), split_spaces("y")}) ==
        Approx(0.5));
}
