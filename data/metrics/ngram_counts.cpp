// defines: count_ngrams, ngram_order
#include "data/metrics/ngram_counts.h"

#include <algorithm>

namespace grain::metrics {

NgramCounts count_ngrams(const Tokens& tokens, int max_n) {
  NgramCounts counts;
  const int len = static_cast<int>(tokens.size());
  for (int n = 1; n <= max_n; ++n) {
    for (int i = 0; i + n <= len; ++i) {
      std::string key = tokens[i];
      for (int k = 1; k < n; ++k) {
        key += ' ';
        key += tokens[i + k];
      }
      ++counts[key];
    }
  }
  return counts;
}

int ngram_order(const std::string& key) {
  return 1 + static_cast<int>(std::count(key.begin(), key.end(), ' '));
}

}  // namespace grain::metrics
