// How varied a model's predictions are, against the references: the signs
// of a model that answers everything the same way.
// Design: one function over strings serves captions and, through the int
// overload, classes, so a caption task and a classification task are judged
// by the same rule. distinct_share = distinct predictions / distinct
// references: 1 when the model says as many different things as the split
// holds (it can exceed 1: many different wrong answers), near 0 when it says
// one thing. The most common prediction is counted beside how many
// references actually are that answer, so a split where one class truly
// dominates is not mistaken for a collapsed model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grain::metrics {

struct PredictionSpread {
  int64_t videos = 0;
  int64_t distinct_predictions = 0;
  int64_t distinct_references = 0;
  double distinct_share = 0;           // distinct_predictions / distinct_references (0 when there are none)
  std::string most_common;             // the most frequent prediction (ties: the lexicographically smaller)
  int64_t most_common_count = 0;       // videos given it
  int64_t most_common_references = 0;  // videos whose reference is that same answer
  // most_common_count / videos (0 for no videos).
  double most_common_share() const { return videos > 0 ? static_cast<double>(most_common_count) / videos : 0.0; }
};

// predictions[i] is the answer for the video whose reference is references[i]
// (same length, else std::invalid_argument). Captions are compared as given:
// the trainer passes decoded text, which is already lower-case and spaced.
PredictionSpread prediction_spread(const std::vector<std::string>& predictions,
                                   const std::vector<std::string>& references);

// Classes: the same with class indices; most_common is the index as text ("17").
PredictionSpread prediction_spread(const std::vector<int>& predictions, const std::vector<int>& references);

}  // namespace grain::metrics
