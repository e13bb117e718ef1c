// ROUGE-L as the coco-caption toolkit computes it (pycocoevalcap/rouge):
// per sentence, from the longest common subsequence of tokens, then the mean
// over the corpus.
#pragma once

#include <vector>

#include "data/metrics/tokenize.h"

namespace grain::metrics {

// Length of the longest common subsequence of two token sequences.
int lcs_length(const Tokens& a, const Tokens& b);

// P = LCS/|hyp|, R = LCS/|ref|, score = (1 + b^2) P R / (R + b^2 P) with
// b = 1.2; 0 when P or R is 0. Two empty captions score 1 (the toolkit splits
// "" into one empty token on both sides and finds it in common).
double sentence_rouge_l(const Tokens& hypothesis, const Tokens& reference);

// Mean of sentence_rouge_l over the pairs; 0 for an empty corpus.
double corpus_rouge_l(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references);

}  // namespace grain::metrics
