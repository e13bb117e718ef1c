// defines: ConfusionMatrix, confusion_matrix, per_class_accuracy, top_confusions
#include "data/metrics/confusion_matrix.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace grain::metrics {

int64_t ConfusionMatrix::row_total(int truth) const {
  const auto row = counts.begin() + static_cast<std::ptrdiff_t>(truth) * classes;
  return std::accumulate(row, row + classes, int64_t{0});
}

int64_t ConfusionMatrix::total() const { return std::accumulate(counts.begin(), counts.end(), int64_t{0}); }

ConfusionMatrix confusion_matrix(const std::vector<int>& predicted, const std::vector<int>& truth, int classes) {
  if (predicted.size() != truth.size())
    throw std::invalid_argument("confusion_matrix: " + std::to_string(predicted.size()) + " predictions but " +
                                std::to_string(truth.size()) + " true classes");
  if (classes < 1)
    throw std::invalid_argument("confusion_matrix: classes must be >= 1, got " + std::to_string(classes));
  ConfusionMatrix m;
  m.classes = classes;
  m.counts.assign(static_cast<size_t>(classes) * classes, 0);
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes)
      throw std::invalid_argument("confusion_matrix: entry " + std::to_string(i) + " (true class " +
                                  std::to_string(truth[i]) + ", predicted " + std::to_string(predicted[i]) +
                                  ") is outside [0, " + std::to_string(classes) + ")");
    ++m.counts[static_cast<size_t>(truth[i]) * classes + predicted[i]];
  }
  return m;
}

std::vector<ClassAccuracy> per_class_accuracy(const ConfusionMatrix& m) {
  std::vector<ClassAccuracy> out(static_cast<size_t>(m.classes));
  for (int t = 0; t < m.classes; ++t) {
    out[static_cast<size_t>(t)].videos = m.row_total(t);
    out[static_cast<size_t>(t)].correct = m.at(t, t);
  }
  return out;
}

std::vector<Confusion> top_confusions(const ConfusionMatrix& m, int limit) {
  std::vector<Confusion> cells;
  for (int t = 0; t < m.classes; ++t)
    for (int p = 0; p < m.classes; ++p)
      if (t != p && m.at(t, p) > 0) cells.push_back({t, p, m.at(t, p)});
  // Stable: cells are already in (truth, predicted) order, which breaks ties.
  std::stable_sort(cells.begin(), cells.end(),
                   [](const Confusion& a, const Confusion& b) { return a.count > b.count; });
  if (cells.size() > static_cast<size_t>(std::max(0, limit))) cells.resize(static_cast<size_t>(std::max(0, limit)));
  return cells;
}

}  // namespace grain::metrics
