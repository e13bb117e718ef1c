// Token accuracy: the share of reference word positions that the generated
// caption gets right at the same position. This is the word-level score a
// teacher-forced decoder is usually monitored with; here it is computed on
// free-running output, position by position, with no alignment.
#pragma once

#include <vector>

#include "data/metrics/tokenize.h"

namespace grain::metrics {

// 100 * sum_i #{t < |ref_i| : t < |hyp_i| and hyp_i[t] == ref_i[t]} / sum_i |ref_i|.
// Words the hypothesis adds past the reference's end are not counted (exact
// match covers length). 0 when there are no reference words.
double token_accuracy_percent(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references);

}  // namespace grain::metrics
