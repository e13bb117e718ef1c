// defines: grain::FewShotDraw, draw_few_shot, t_quantile_975, MeanCi, mean_ci95,
//          Standardizer, ProbeOptions, train_probe_accuracy
//
// The statistical pieces of the transfer protocol (docs/spec/transfer-protocol.md),
// free of files and of encoders, so each is tested against hand-worked values:
//  - The k-shot draw. Every video gets the key
//    mix64(few_shot_draw_seed(seed, run, k) ^ fnv1a64(id)) (kernels/counter_rng.h)
//    and each class keeps its k smallest keys (ties broken by
//    id). The key depends only on (seed, run, k) and the id, never on the
//    order of the videos or on the encoder, so every source checkpoint sees
//    the same training videos, and another seed gives another draw.
//  - The 95% confidence interval of a mean over runs: t(0.975, n - 1) x
//    sample standard deviation / sqrt(n) (Student's t; t = 2.262 for 10 runs).
//  - Standardisation with the training draw's statistics only (the test
//    videos never shape the features the probe sees).
//  - The probe: an MLP h -> hidden ReLU -> classes (PyTorch's nn.Linear
//    initialisation, seeded), trained full-batch with Adam for a fixed number
//    of epochs (one step per epoch: a draw holds at most a few hundred
//    videos), cross-entropy loss, no early stopping; test accuracy in percent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grain {

struct FewShotDraw {
  std::vector<int64_t> train;  // indices into the target's videos, in increasing order
  std::vector<int64_t> test;   // every other index, in increasing order
};

// k videos of every class for training, the rest for testing. ids and
// classes describe the target's videos (classes in [0, num_classes)).
// Throws naming the class when one has fewer than k + 1 videos (it would
// leave nothing of that class to test on).
FewShotDraw draw_few_shot(const std::vector<std::string>& ids, const std::vector<int>& classes, int num_classes,
                          int64_t k, uint64_t seed, int64_t run);

// Student's t quantile t(0.975, df) for df >= 1: exact table values (3
// decimals) up to df = 30, a Cornish-Fisher expansion (error < 1e-3) above.
double t_quantile_975(int64_t df);

struct MeanCi {
  double mean = 0;
  double ci95 = 0;  // half-width: t(0.975, n-1) x s / sqrt(n); 0 for a single value
};
MeanCi mean_ci95(const std::vector<double>& values);

// Per-feature mean and standard deviation (population, over the rows given)
// of a row-major (rows, width) matrix; features with a deviation below 1e-12
// are only centred.
class Standardizer {
 public:
  Standardizer(const std::vector<float>& features, int64_t width, const std::vector<int64_t>& rows);
  // (x - mean) / std of the rows given, row-major (rows.size(), width).
  std::vector<float> apply(const std::vector<float>& features, const std::vector<int64_t>& rows) const;
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& stddev() const { return std_; }

 private:
  int64_t width_;
  std::vector<double> mean_, std_;
};

struct ProbeOptions {
  int64_t hidden = 512;
  int64_t epochs = 200;  // full-batch Adam steps
  double lr = 1e-3;
  uint64_t seed = 0;     // initial weights
};

// Trains the probe on features[train] (already standardised, row-major,
// `width` wide) and returns its accuracy in percent on features[test].
// classes holds every video's class.
double train_probe_accuracy(const std::vector<float>& train_features, const std::vector<int>& train_classes,
                            const std::vector<float>& test_features, const std::vector<int>& test_classes,
                            int64_t width, int num_classes, const ProbeOptions& options);

}  // namespace grain
