// BLEU-1..4 at corpus level, as the coco-caption toolkit computes it
// (pycocoevalcap/bleu/bleu_scorer.py, option "closest").
// Design: one reference per video (Something-Something has one), so the
// "closest reference length" is that reference's length. Statistics are
// summed over the corpus first and the score is computed once from the sums;
// it is not a mean of sentence scores.
#pragma once

#include <array>
#include <vector>

#include "data/metrics/tokenize.h"

namespace grain::metrics {

// Sufficient statistics of one or many (hypothesis, reference) pairs.
struct BleuStats {
  std::array<long long, 4> correct{};  // clipped n-gram matches, n = 1..4
  std::array<long long, 4> guess{};    // hypothesis n-grams: max(0, len - n + 1)
  long long hypothesis_length = 0;
  long long reference_length = 0;
};

// Statistics of one pair: correct_n = sum over the hypothesis' n-grams g of
// min(count_hyp(g), count_ref(g)).
BleuStats bleu_stats(const Tokens& hypothesis, const Tokens& reference);

// Bleu_k = (prod_{n<=k} (correct_n + 1e-15) / (guess_n + 1e-9))^(1/k), times
// exp(1 - ref_len/hyp_len) when hyp_len < ref_len (with the toolkit's
// guards: ratio = (hyp_len + 1e-15) / (ref_len + 1e-9)). Returns Bleu_1..Bleu_4.
std::array<double, 4> bleu_from_stats(const BleuStats& stats);

// Corpus BLEU of pairs (hypotheses[i], references[i]); sizes must match.
std::array<double, 4> corpus_bleu(const std::vector<Tokens>& hypotheses,
                                  const std::vector<Tokens>& references);

}  // namespace grain::metrics
