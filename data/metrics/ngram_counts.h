// N-gram counting shared by BLEU and CIDEr-D.
// Design: an n-gram is stored as its words joined by a separator byte that
// cannot occur inside a token (tokens never contain spaces), so a std::map
// keyed by string is enough; the order of n is recoverable from the count of
// separators. Maps (not hash maps) keep the iteration order deterministic.
#pragma once

#include <map>
#include <string>

#include "data/metrics/tokenize.h"

namespace grain::metrics {

// n-gram -> count, for n = 1..max_n. Key: words joined by ' '.
using NgramCounts = std::map<std::string, int>;

// Counts all n-grams of `tokens` with 1 <= n <= max_n.
NgramCounts count_ngrams(const Tokens& tokens, int max_n);

// Order n of a key produced by count_ngrams.
int ngram_order(const std::string& key);

}  // namespace grain::metrics
