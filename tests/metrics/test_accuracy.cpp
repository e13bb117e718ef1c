// Exact match, token accuracy and top-k accuracy on hand-counted cases.
#include <catch2/catch.hpp>

#include "data/metrics/classification_accuracy.h"
#include "data/metrics/exact_match.h"
#include "data/metrics/token_accuracy.h"
#include "data/metrics/tokenize.h"

using namespace grain::metrics;

TEST_CASE("metrics/exact_match: word for word after tokenisation", "[metrics][accuracy]") {
  const std::vector<Tokens> hyp{tokenize("Putting a pen on the table."), tokenize("pushing cup"),
                                tokenize("a b"), tokenize("")};
  const std::vector<Tokens> ref{tokenize("putting a pen on the table"), tokenize("pushing the cup"),
                                tokenize("a b"), tokenize("x")};
  CHECK(exact_match_percent(hyp, ref) == Approx(50.0));  // 2 of 4
  CHECK(exact_match_percent({}, {}) == 0.0);
}

TEST_CASE("metrics/token_accuracy: position by position over reference words", "[metrics][accuracy]") {
  // pair 1: "a b c" vs "a x c": 2 of 3; pair 2: "a" vs "a b": 1 of 2; pair 3: "q r s t" vs "q": 1 of 1.
  const double acc = token_accuracy_percent({split_spaces("a b c"), split_spaces("a"), split_spaces("q r s t")},
                                            {split_spaces("a x c"), split_spaces("a b"), split_spaces("q")});
  CHECK(acc == Approx(100.0 * 4 / 6));
}

TEST_CASE("metrics/classification accuracy: top-1 and top-5", "[metrics][accuracy]") {
  const std::vector<int> truth{3, 1, 4, 0};
  CHECK(top1_accuracy_percent({3, 2, 4, 1}, truth) == Approx(50.0));
  const std::vector<std::vector<int>> ranked{{3, 0, 1, 2, 4}, {0, 2, 3, 4, 5, 1}, {9, 8, 7, 6, 4}, {2}};
  CHECK(top_k_accuracy_percent(ranked, truth, 1) == Approx(25.0));
  CHECK(top_k_accuracy_percent(ranked, truth, 5) == Approx(50.0));  // index 1 is 6th in row 2
  CHECK(top_k_accuracy_percent(ranked, truth, 6) == Approx(75.0));
  CHECK(rank_classes({0.1f, 0.7f, 0.2f, 0.7f}, 3) == std::vector<int>{1, 3, 2});
  CHECK_THROWS_AS(top1_accuracy_percent({1}, {}), std::invalid_argument);
}

TEST_CASE("metrics/majority class: the most frequent training class scored on the truth", "[metrics][accuracy]") {
  // Training: class 2 three times, class 0 twice; truth has class 2 twice in 5: 40%.
  CHECK(majority_class_accuracy_percent({2, 0, 2, 1, 0, 2}, {2, 1, 2, 0, 3}) == Approx(40.0));
  // A tie (0 and 1 twice each) goes to the lower index, 0: one hit in 4.
  CHECK(majority_class_accuracy_percent({1, 0, 1, 0}, {0, 1, 1, 1}) == Approx(25.0));
  CHECK(majority_class_accuracy_percent({}, {1}) == 0.0);
  CHECK(majority_class_accuracy_percent({1}, {}) == 0.0);
}
