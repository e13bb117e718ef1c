// defines: the one set of metric names, and metric_values(CaptionScores)
//
// The same names everywhere a number is written: the trainer's
// metrics.jsonl, TensorBoard tags (<split>/<name>), summary.json, and
// `evaluate --json`. Percentages are 0-100 (top1, top5, exact_match,
// token_accuracy); BLEU, ROUGE-L and METEOR are 0-1; CIDEr-D 0-10.
#pragma once

#include <map>
#include <string>

#include "data/metrics/caption_metrics.h"

namespace grain::metrics {

inline constexpr char kTop1[] = "top1";
inline constexpr char kTop5[] = "top5";
inline constexpr char kBleu1[] = "bleu_1";
inline constexpr char kBleu2[] = "bleu_2";
inline constexpr char kBleu3[] = "bleu_3";
inline constexpr char kBleu4[] = "bleu_4";
inline constexpr char kRougeL[] = "rouge_l";
inline constexpr char kMeteor[] = "meteor";
inline constexpr char kCiderD[] = "cider_d";
inline constexpr char kExactMatch[] = "exact_match";
inline constexpr char kTokenAccuracy[] = "token_accuracy";
inline constexpr char kLoss[] = "loss";
inline constexpr char kClassificationLoss[] = "classification_loss";
inline constexpr char kCaptionLoss[] = "caption_loss";

// Every caption score under its name.
inline std::map<std::string, double> metric_values(const CaptionScores& s) {
  return {{kBleu1, s.bleu[0]},   {kBleu2, s.bleu[1]},    {kBleu3, s.bleu[2]},
          {kBleu4, s.bleu[3]},   {kRougeL, s.rouge_l},   {kMeteor, s.meteor},
          {kCiderD, s.cider_d},  {kExactMatch, s.exact_match}, {kTokenAccuracy, s.token_accuracy}};
}

}  // namespace grain::metrics
