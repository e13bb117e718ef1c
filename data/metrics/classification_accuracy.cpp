// defines: top_k_accuracy_percent, top1_accuracy_percent, rank_classes, majority_class_accuracy_percent
#include "data/metrics/classification_accuracy.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>

namespace grain::metrics {

double top_k_accuracy_percent(const std::vector<std::vector<int>>& ranked, const std::vector<int>& truth, int k) {
  if (ranked.size() != truth.size())
    throw std::invalid_argument("top_k_accuracy_percent: " + std::to_string(ranked.size()) +
                                " predictions but " + std::to_string(truth.size()) + " labels");
  if (k < 1) throw std::invalid_argument("top_k_accuracy_percent: k must be >= 1, got " + std::to_string(k));
  if (truth.empty()) return 0.0;
  size_t hits = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    const auto end = ranked[i].begin() + std::min<size_t>(ranked[i].size(), static_cast<size_t>(k));
    hits += std::find(ranked[i].begin(), end, truth[i]) != end;
  }
  return 100.0 * static_cast<double>(hits) / static_cast<double>(truth.size());
}

double top1_accuracy_percent(const std::vector<int>& predicted, const std::vector<int>& truth) {
  if (predicted.size() != truth.size())
    throw std::invalid_argument("top1_accuracy_percent: " + std::to_string(predicted.size()) +
                                " predictions but " + std::to_string(truth.size()) + " labels");
  if (truth.empty()) return 0.0;
  size_t hits = 0;
  for (size_t i = 0; i < truth.size(); ++i) hits += predicted[i] == truth[i];
  return 100.0 * static_cast<double>(hits) / static_cast<double>(truth.size());
}

std::vector<int> rank_classes(const std::vector<float>& scores, int k) {
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
  order.resize(std::min<size_t>(order.size(), static_cast<size_t>(std::max(k, 0))));
  return order;
}

double majority_class_accuracy_percent(const std::vector<int>& training, const std::vector<int>& truth) {
  if (training.empty() || truth.empty()) return 0.0;
  std::map<int, size_t> counts;
  for (int c : training) ++counts[c];
  // max_element keeps the first of equal counts: the lower class index.
  const int majority = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
                         return a.second < b.second;
                       })->first;
  const size_t hits = static_cast<size_t>(std::count(truth.begin(), truth.end(), majority));
  return 100.0 * static_cast<double>(hits) / static_cast<double>(truth.size());
}

}  // namespace grain::metrics
