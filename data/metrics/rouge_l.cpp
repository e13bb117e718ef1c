// defines: lcs_length, sentence_rouge_l, corpus_rouge_l
#include "data/metrics/rouge_l.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace grain::metrics {

int lcs_length(const Tokens& a, const Tokens& b) {
  // One row of the dynamic programme at a time: row[j] = LCS(a[:i], b[:j]).
  std::vector<int> prev(b.size() + 1, 0), row(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j)
      row[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], row[j - 1]);
    std::swap(prev, row);
  }
  return prev[b.size()];
}

double sentence_rouge_l(const Tokens& hypothesis, const Tokens& reference) {
  constexpr double kBeta = 1.2;
  if (hypothesis.empty() && reference.empty()) return 1.0;
  if (hypothesis.empty() || reference.empty()) return 0.0;
  const double lcs = lcs_length(reference, hypothesis);
  const double p = lcs / static_cast<double>(hypothesis.size());
  const double r = lcs / static_cast<double>(reference.size());
  if (p == 0.0 || r == 0.0) return 0.0;
  return ((1 + kBeta * kBeta) * p * r) / (r + kBeta * kBeta * p);
}

double corpus_rouge_l(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references) {
  if (hypotheses.size() != references.size())
    throw std::invalid_argument("corpus_rouge_l: " + std::to_string(hypotheses.size()) +
                                " hypotheses but " + std::to_string(references.size()) +
                                " references");
  if (hypotheses.empty()) return 0.0;
  double sum = 0.0;
  for (size_t i = 0; i < hypotheses.size(); ++i) sum += sentence_rouge_l(hypotheses[i], references[i]);
  return sum / static_cast<double>(hypotheses.size());
}

}  // namespace grain::metrics
