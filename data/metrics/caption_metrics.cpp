// defines: score_captions
#include "data/metrics/caption_metrics.h"

#include <stdexcept>

#include "data/metrics/bleu.h"
#include "data/metrics/cider_d.h"
#include "data/metrics/exact_match.h"
#include "data/metrics/meteor.h"
#include "data/metrics/rouge_l.h"
#include "data/metrics/token_accuracy.h"
#include "data/metrics/tokenize.h"

namespace grain::metrics {

CaptionScores score_captions(const std::vector<std::string>& hypotheses, const std::vector<std::string>& references) {
  if (hypotheses.size() != references.size())
    throw std::invalid_argument("score_captions: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                                std::to_string(references.size()) + " references");
  std::vector<Tokens> hyp, ref;
  for (const auto& h : hypotheses) hyp.push_back(tokenize(h));
  for (const auto& r : references) ref.push_back(tokenize(r));
  CaptionScores s;
  s.count = hyp.size();
  s.bleu = corpus_bleu(hyp, ref);
  s.rouge_l = corpus_rouge_l(hyp, ref);
  s.meteor = corpus_meteor(hyp, ref).score;
  s.cider_d = corpus_cider_d(hyp, ref).score;
  s.exact_match = exact_match_percent(hyp, ref);
  s.token_accuracy = token_accuracy_percent(hyp, ref);
  return s;
}

}  // namespace grain::metrics
