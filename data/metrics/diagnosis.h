// Has the model learned? The symptoms a validation can show, in words.
// Design: a pure function from numbers a validation already has (the spread
// of its predictions, its losses and their chance values) to a list of
// symptoms, each a plain sentence; the trainer prints them and records them
// in summary.json. Two symptoms:
//  - collapse: one answer (class or caption) for more than half of the
//    videos, and for more videos than truly have it (a split where one class
//    dominates is not a collapse);
//  - chance loss: a loss still at its chance value, cross-entropy at ln C
//    (C classes) or caption NLL per token at ln V (V words), "at" meaning
//    within kChanceLossTolerance of it, or above. A model that learned only
//    the class frequencies sits a little below ln C on balanced classes, so
//    it counts as at chance; one that learned something does not.
// The trainer asks only after the first epoch: before it, a model that has
// not learned yet is expected.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/metrics/prediction_spread.h"

namespace grain::metrics {

// A loss >= (1 - kChanceLossTolerance) * chance is "at chance".
inline constexpr double kChanceLossTolerance = 0.01;

struct Symptom {
  std::string kind;     // "collapse" or "chance_loss"
  std::string message;  // one line, e.g. "collapse: 185 of 204 validation videos get the caption '...'"
};

struct ValidationFacts {
  std::string split = "validation";
  std::optional<PredictionSpread> classes;  // most_common replaced by the class name
  std::string class_noun = "class";         // "category", "action group"
  std::optional<PredictionSpread> captions;
  std::optional<double> classification_loss;  // mean cross-entropy per video
  int num_classes = 0;
  std::optional<double> caption_loss_per_token;  // caption NLL / scored tokens
  int vocabulary = 0;
};

// The symptoms of one validation, collapse first; empty when there are none.
// Each message ends with `see` (e.g. "see docs/trainer.md, 'When a model has not learned'").
std::vector<Symptom> diagnose(const ValidationFacts& facts, const std::string& see);

// True when a loss is at or above (1 - kChanceLossTolerance) * chance.
bool at_chance(double loss, double chance);

}  // namespace grain::metrics
