// defines: the one set of metric names, and metric_values(CaptionScores)
//
// The same names everywhere a number is written or read back: the trainer's
// metrics.jsonl, TensorBoard tags (<split>/<name>), summary.json,
// `evaluate --json`, the reproduction's results.json and its report. Code
// uses these constants, never the string literals. Percentages are 0-100 (top1, top5, exact_match,
// token_accuracy, majority_top1); BLEU, ROUGE-L and METEOR are 0-1; CIDEr-D
// 0-10; shares are 0-1 (distinct_*_share can exceed 1). Losses: loss is the
// weighted total; classification_loss the mean cross-entropy per video
// (chance ln C); caption_loss the caption NLL summed over a caption's scored
// tokens and averaged over videos (what training minimises), caption_loss_per_token
// the same NLL over the number of scored tokens (chance ln V).
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
inline constexpr char kCaptionLossPerToken[] = "caption_loss_per_token";

// The training windows of metrics.jsonl (split "train"; the mean over the
// logged steps): the gradient's global L2 norm before clipping, the
// learning rate of the window's last step, and the clips per second.
inline constexpr char kGradNorm[] = "grad_norm";
inline constexpr char kLearningRate[] = "lr";
inline constexpr char kClipsPerSecond[] = "clips_per_s";

// Baselines beside the model's numbers: the accuracy of always answering the
// most frequent training class, and the template baseline's caption scores
// (template_<caption metric>: the predicted category's template filled with
// its most frequent training objects).
inline constexpr char kMajorityTop1[] = "majority_top1";
inline constexpr char kTemplatePrefix[] = "template_";
// The object holding the template baseline's caption scores (under their
// plain names) in `evaluate --json` and in results.json.
inline constexpr char kTemplateBaselineSection[] = "template_baseline";

// The spread of the predictions (data/metrics/prediction_spread.h):
// distinct answers over distinct references, and the share of the videos
// given the most common answer.
inline constexpr char kDistinctClassShare[] = "distinct_class_share";
inline constexpr char kDistinctCaptionShare[] = "distinct_caption_share";
inline constexpr char kMostCommonClassShare[] = "most_common_class_share";
inline constexpr char kMostCommonCaptionShare[] = "most_common_caption_share";

// Every caption score under its name.
inline std::map<std::string, double> metric_values(const CaptionScores& s) {
  return {{kBleu1, s.bleu[0]},   {kBleu2, s.bleu[1]},    {kBleu3, s.bleu[2]},
          {kBleu4, s.bleu[3]},   {kRougeL, s.rouge_l},   {kMeteor, s.meteor},
          {kCiderD, s.cider_d},  {kExactMatch, s.exact_match}, {kTokenAccuracy, s.token_accuracy}};
}

// The template baseline's scores: template_bleu_4, template_rouge_l, ...
inline std::map<std::string, double> template_metric_values(const CaptionScores& s) {
  std::map<std::string, double> out;
  for (const auto& [name, value] : metric_values(s)) out[kTemplatePrefix + name] = value;
  return out;
}

}  // namespace grain::metrics
