// Top-1 and top-k classification accuracy over an evaluation split.
#pragma once

#include <vector>

namespace grain::metrics {

// Percentage in [0, 100] of samples whose true class is among the first k
// entries of ranked[i] (classes in decreasing score order; a list shorter
// than k counts what it has). 0 for no samples. k >= 1.
double top_k_accuracy_percent(const std::vector<std::vector<int>>& ranked, const std::vector<int>& truth, int k);

// Top-1 from single predictions: percentage of predicted[i] == truth[i].
double top1_accuracy_percent(const std::vector<int>& predicted, const std::vector<int>& truth);

// Class indices of `scores` (length C) in decreasing order of score, ties
// broken by the lower index; at most k of them.
std::vector<int> rank_classes(const std::vector<float>& scores, int k);

// The majority-class baseline: the accuracy (percent) on `truth` of always
// answering the most frequent class of `training` (ties: the lower index).
// Classes need not be balanced (the action groups are not). 0 when either is empty.
double majority_class_accuracy_percent(const std::vector<int>& training, const std::vector<int>& truth);

}  // namespace grain::metrics
