// Exact-match accuracy: the share of generated captions equal to their
// reference word for word after tokenize() (an end token is never part of
// the text the evaluator sees, so it is excluded by construction).
#pragma once

#include <vector>

#include "data/metrics/tokenize.h"

namespace grain::metrics {

// Percentage in [0, 100] of pairs with hypotheses[i] == references[i]; 0 for no pairs.
double exact_match_percent(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references);

}  // namespace grain::metrics
