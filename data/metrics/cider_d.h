// CIDEr-D as the coco-caption toolkit computes it (pycocoevalcap/cider,
// which is the "D" variant: clipped tf-idf, Gaussian length penalty, x10).
// Design: document frequencies come from the references of the evaluated set
// itself, so the score of a caption depends on the whole corpus; there is no
// meaningful "sentence CIDEr" outside a corpus. The toolkit's quirk is kept:
// the "length" in the penalty is the number of bigrams (its loop adds term
// frequencies when the n-gram index is 1, i.e. for bigrams), so the penalty
// uses (|hyp| - 1) - (|ref| - 1) for captions of two words or more.
#pragma once

#include <vector>

#include "data/metrics/tokenize.h"

namespace grain::metrics {

struct CiderResult {
  double score = 0.0;              // mean of per_caption
  std::vector<double> per_caption;
};

// For each pair i: for n = 1..4, g_n(x) = tf(x) * (log N - log max(1, df(x)))
// over the n-grams x of a caption (df over the N references);
// s_n = sum_x min(g_n^hyp(x), g_n^ref(x)) g_n^ref(x) / (|g_n^hyp| |g_n^ref|)
//       * exp(-(l_hyp - l_ref)^2 / (2 sigma^2)), sigma = 6;
// CIDEr-D_i = 10 * mean_n s_n. Corpus score = mean over pairs.
CiderResult corpus_cider_d(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references);

}  // namespace grain::metrics
