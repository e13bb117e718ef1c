// defines: diagnose, at_chance (see diagnosis.h)
#include "data/metrics/diagnosis.h"

#include <cmath>
#include <cstdio>

namespace grain::metrics {

namespace {

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::optional<Symptom> collapse(const PredictionSpread& s, const std::string& what, const std::string& split,
                                const std::string& see) {
  if (s.videos < 2 || 2 * s.most_common_count <= s.videos || s.most_common_count <= s.most_common_references)
    return std::nullopt;
  return Symptom{"collapse", "collapse: " + std::to_string(s.most_common_count) + " of " + std::to_string(s.videos) +
                                 " " + split + " videos get the " + what + " '" + s.most_common + "' (" +
                                 std::to_string(s.most_common_references) + " truly have it; distinct answers: " +
                                 std::to_string(s.distinct_predictions) + " predicted, " +
                                 std::to_string(s.distinct_references) + " in the references; " + see + ")"};
}

}  // namespace

bool at_chance(double loss, double chance) { return !(loss < (1 - kChanceLossTolerance) * chance); }

std::vector<Symptom> diagnose(const ValidationFacts& f, const std::string& see) {
  std::vector<Symptom> out;
  if (f.captions)
    if (auto s = collapse(*f.captions, "caption", f.split, see)) out.push_back(*s);
  if (f.classes)
    if (auto s = collapse(*f.classes, f.class_noun, f.split, see)) out.push_back(*s);
  if (f.classification_loss && f.num_classes > 1) {
    const double chance = std::log(static_cast<double>(f.num_classes));
    if (at_chance(*f.classification_loss, chance))
      out.push_back({"chance_loss",
                     "chance loss: the " + f.split + " classification loss is " + fixed(*f.classification_loss, 4) +
                         ", at its chance value ln C = ln " + std::to_string(f.num_classes) + " = " + fixed(chance, 4) +
                         " (the classifier has learned nothing beyond the class frequencies; " + see + ")"});
  }
  if (f.caption_loss_per_token && f.vocabulary > 1) {
    const double chance = std::log(static_cast<double>(f.vocabulary));
    if (at_chance(*f.caption_loss_per_token, chance))
      out.push_back({"chance_loss",
                     "chance loss: the " + f.split + " caption loss is " + fixed(*f.caption_loss_per_token, 4) +
                         " per token, at its chance value ln V = ln " + std::to_string(f.vocabulary) + " = " +
                         fixed(chance, 4) + " (the decoder has not even learned the word frequencies; " + see + ")"});
  }
  return out;
}

}  // namespace grain::metrics
