// defines: bleu_stats, bleu_from_stats, corpus_bleu
#include "data/metrics/bleu.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "data/metrics/ngram_counts.h"

namespace grain::metrics {

BleuStats bleu_stats(const Tokens& hypothesis, const Tokens& reference) {
  BleuStats s;
  s.hypothesis_length = static_cast<long long>(hypothesis.size());
  s.reference_length = static_cast<long long>(reference.size());
  for (int n = 1; n <= 4; ++n)
    s.guess[n - 1] = std::max<long long>(0, s.hypothesis_length - n + 1);
  const NgramCounts hyp = count_ngrams(hypothesis, 4);
  const NgramCounts ref = count_ngrams(reference, 4);
  for (const auto& [gram, count] : hyp) {
    auto it = ref.find(gram);
    if (it != ref.end()) s.correct[ngram_order(gram) - 1] += std::min(count, it->second);
  }
  return s;
}

std::array<double, 4> bleu_from_stats(const BleuStats& stats) {
  // The toolkit's guards, kept bit-for-bit: tiny keeps log(0) away, small
  // keeps the division defined when a hypothesis set is empty.
  constexpr double kTiny = 1e-15, kSmall = 1e-9;
  std::array<double, 4> out{};
  double product = 1.0;
  for (int k = 0; k < 4; ++k) {
    product *= (static_cast<double>(stats.correct[k]) + kTiny) /
               (static_cast<double>(stats.guess[k]) + kSmall);
    out[k] = std::pow(product, 1.0 / (k + 1));
  }
  const double ratio = (static_cast<double>(stats.hypothesis_length) + kTiny) /
                       (static_cast<double>(stats.reference_length) + kSmall);
  if (ratio < 1.0)
    for (double& b : out) b *= std::exp(1.0 - 1.0 / ratio);
  return out;
}

std::array<double, 4> corpus_bleu(const std::vector<Tokens>& hypotheses,
                                  const std::vector<Tokens>& references) {
  if (hypotheses.size() != references.size())
    throw std::invalid_argument("corpus_bleu: " + std::to_string(hypotheses.size()) +
                                " hypotheses but " + std::to_string(references.size()) +
                                " references");
  BleuStats total;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const BleuStats s = bleu_stats(hypotheses[i], references[i]);
    for (int k = 0; k < 4; ++k) {
      total.correct[k] += s.correct[k];
      total.guess[k] += s.guess[k];
    }
    total.hypothesis_length += s.hypothesis_length;
    total.reference_length += s.reference_length;
  }
  return bleu_from_stats(total);
}

}  // namespace grain::metrics
