// defines: grain::InformationProbeOptions, InformationProbeResult, information_probe,
//          wilson_interval95
//
// What a frozen encoder knows of one label: a multinomial logistic
// regression from its encodings h to the label, scored by k-fold
// cross-validation inside one labelled split (the probe split, which no
// source trains, validates or selects on). Distinct from the transfer
// "probe" (the MLP of few_shot.h): this one measures, it does not transfer.
//
// Design decisions, so that nothing is selected on the held-out folds:
//  - Folds: a fixed seeded permutation of the rows cut into k near-equal
//    parts; the same rows for every encoder given the same seed, so two
//    encoders are compared on identical folds.
//  - Each fold standardises with its training rows' statistics only.
//  - The regression: softmax over W h + b with an L2 penalty lambda / 2 |W|^2
//    (not on b), the mean cross-entropy minimised by Nesterov-accelerated
//    gradient descent for a fixed number of iterations at step 1 / L, where
//    L = lambda_max(X^T X / n) / 2 + lambda bounds the loss's curvature
//    (lambda_max by power iteration). Fixed lambda and iterations, float64,
//    deterministic.
//  - Accuracy: the share of rows whose held-out prediction is right, pooled
//    over the folds, with a Wilson score 95% interval over the n rows;
//    chance: the majority class's share of the split (the uniform share
//    1 / classes beside it).
#pragma once

#include <cstdint>
#include <vector>

namespace grain {

struct InformationProbeOptions {
  int folds = 5;
  double l2 = 1e-3;        // lambda, on standardised features
  int iterations = 300;
  uint64_t seed = 0;       // the folds' permutation
};

struct InformationProbeResult {
  double accuracy = 0;          // percent, pooled over the held-out folds
  double ci95_low = 0, ci95_high = 0;  // Wilson score interval, percent
  double chance = 0;            // percent: the majority class's share of the rows
  double uniform = 0;           // percent: 100 / the number of classes present
  int64_t rows = 0, classes = 0;
};

// features: row-major (labels.size(), width); labels: class ids >= 0 (any
// subset of values; classes are the distinct values). Throws when there are
// fewer rows than folds, fewer than two classes, or a negative label.
InformationProbeResult information_probe(const std::vector<float>& features, int64_t width,
                                         const std::vector<int>& labels, const InformationProbeOptions& options);

// The Wilson score 95% interval of `successes` out of `n`, as fractions.
void wilson_interval95(int64_t successes, int64_t n, double& low, double& high);

}  // namespace grain
