// The confusion matrix of a classification split and what is read off it:
// per-class accuracy and the most frequent confusions.
// Design: rows are the true class, columns the predicted class (the
// convention of scikit-learn's confusion_matrix), counts as integers so the
// matrix adds up to the number of scored videos exactly. A class with no
// video in the split has no accuracy (videos 0), not an accuracy of 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace grain::metrics {

struct ConfusionMatrix {
  int classes = 0;
  std::vector<int64_t> counts;  // classes x classes, row-major: counts[t * classes + p]
  int64_t at(int truth, int predicted) const {
    return counts[static_cast<std::size_t>(truth) * static_cast<std::size_t>(classes) +
                  static_cast<std::size_t>(predicted)];
  }
  int64_t row_total(int truth) const;
  int64_t total() const;
};

// predicted[i] and truth[i] in [0, classes) (else std::invalid_argument naming the entry).
ConfusionMatrix confusion_matrix(const std::vector<int>& predicted, const std::vector<int>& truth, int classes);

struct ClassAccuracy {
  int64_t videos = 0;   // videos of the class in the split (the row total)
  int64_t correct = 0;  // of them predicted as the class (the diagonal)
  double percent() const { return videos > 0 ? 100.0 * static_cast<double>(correct) / videos : 0.0; }
};

// One entry per class, in class order.
std::vector<ClassAccuracy> per_class_accuracy(const ConfusionMatrix& m);

struct Confusion {
  int truth = 0, predicted = 0;
  int64_t count = 0;
};

// The off-diagonal cells with the most videos, largest first (ties: lower
// true class, then lower predicted class); at most `limit` of them, none empty.
std::vector<Confusion> top_confusions(const ConfusionMatrix& m, int limit);

}  // namespace grain::metrics
