// defines: draw_few_shot, t_quantile_975, mean_ci95, Standardizer,
//          train_probe_accuracy (see few_shot.h)
#include "experiments/few_shot.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops/activation.h"
#include "engine/ops/cross_entropy.h"
#include "engine/optim/optimizer.h"
#include "engine/parameters.h"
#include "kernels/counter_rng.h"
#include "layers/linear.h"

namespace grain {

FewShotDraw draw_few_shot(const std::vector<std::string>& ids, const std::vector<int>& classes, int num_classes,
                          int64_t k, uint64_t seed, int64_t run) {
  GRAIN_CHECK(ids.size() == classes.size(), "few-shot draw: " << ids.size() << " ids but " << classes.size()
                                                               << " classes");
  GRAIN_CHECK(k >= 1, "few-shot draw: k = " << k << " training videos per class; it must be at least 1");
  const uint64_t s = kernels::few_shot_draw_seed(seed, run, k);
  std::vector<std::vector<std::tuple<uint64_t, std::string, int64_t>>> by_class(static_cast<size_t>(num_classes));
  for (size_t i = 0; i < ids.size(); ++i) {
    GRAIN_CHECK(classes[i] >= 0 && classes[i] < num_classes,
                "few-shot draw: video " << ids[i] << " has class " << classes[i] << ", outside [0, " << num_classes
                                        << ")");
    by_class[static_cast<size_t>(classes[i])].emplace_back(kernels::mix64(s ^ kernels::fnv1a64(ids[i])), ids[i],
                                                          static_cast<int64_t>(i));
  }
  FewShotDraw draw;
  std::vector<bool> in_train(ids.size(), false);
  for (int c = 0; c < num_classes; ++c) {
    auto& videos = by_class[static_cast<size_t>(c)];
    GRAIN_CHECK(static_cast<int64_t>(videos.size()) > k,
                "few-shot draw: class " << c << " has " << videos.size() << " videos; " << k
                                        << "-shot training needs at least " << k + 1
                                        << " (k to train on and one to test)");
    std::sort(videos.begin(), videos.end());
    for (int64_t j = 0; j < k; ++j) in_train[static_cast<size_t>(std::get<2>(videos[static_cast<size_t>(j)]))] = true;
  }
  for (size_t i = 0; i < ids.size(); ++i) (in_train[i] ? draw.train : draw.test).push_back(static_cast<int64_t>(i));
  return draw;
}

double t_quantile_975(int64_t df) {
  GRAIN_CHECK(df >= 1, "t quantile: " << df << " degrees of freedom; at least 1 is needed (2 runs)");
  static const double table[30] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                   2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                   2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df <= 30) return table[df - 1];
  const double z = 1.959963984540054, n = static_cast<double>(df);
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z;
  const double g1 = (z3 + z) / 4, g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  const double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
  return z + g1 / n + g2 / (n * n) + g3 / (n * n * n) + g4 / (n * n * n * n);
}

MeanCi mean_ci95(const std::vector<double>& values) {
  GRAIN_CHECK(!values.empty(), "mean and confidence interval of no values");
  MeanCi r;
  const double n = static_cast<double>(values.size());
  for (const double v : values) r.mean += v;
  r.mean /= n;
  if (values.size() < 2) return r;
  double squares = 0;
  for (const double v : values) squares += (v - r.mean) * (v - r.mean);
  const double sample_std = std::sqrt(squares / (n - 1));
  r.ci95 = t_quantile_975(static_cast<int64_t>(values.size()) - 1) * sample_std / std::sqrt(n);
  return r;
}

Standardizer::Standardizer(const std::vector<float>& features, int64_t width, const std::vector<int64_t>& rows)
    : width_(width), mean_(static_cast<size_t>(width), 0.0), std_(static_cast<size_t>(width), 0.0) {
  GRAIN_CHECK(!rows.empty(), "standardisation: no training rows");
  const double n = static_cast<double>(rows.size());
  for (const int64_t r : rows)
    for (int64_t j = 0; j < width; ++j) mean_[static_cast<size_t>(j)] += features[static_cast<size_t>(r * width + j)];
  for (double& m : mean_) m /= n;
  for (const int64_t r : rows)
    for (int64_t j = 0; j < width; ++j) {
      const double d = features[static_cast<size_t>(r * width + j)] - mean_[static_cast<size_t>(j)];
      std_[static_cast<size_t>(j)] += d * d;
    }
  for (double& s : std_) s = std::sqrt(s / n);
}

std::vector<float> Standardizer::apply(const std::vector<float>& features, const std::vector<int64_t>& rows) const {
  std::vector<float> out;
  out.reserve(rows.size() * static_cast<size_t>(width_));
  for (const int64_t r : rows)
    for (int64_t j = 0; j < width_; ++j) {
      const double s = std_[static_cast<size_t>(j)];
      const double centred = features[static_cast<size_t>(r * width_ + j)] - mean_[static_cast<size_t>(j)];
      out.push_back(static_cast<float>(s > 1e-12 ? centred / s : centred));
    }
  return out;
}

namespace {

Tensor rows_tensor(const std::vector<float>& values, int64_t width) {
  return Tensor::from_vector(std::vector<double>(values.begin(), values.end()),
                             {static_cast<int64_t>(values.size()) / width, width});
}

}  // namespace

double train_probe_accuracy(const std::vector<float>& train_features, const std::vector<int>& train_classes,
                            const std::vector<float>& test_features, const std::vector<int>& test_classes,
                            int64_t width, int num_classes, const ProbeOptions& options) {
  GRAIN_CHECK(!train_classes.empty() && !test_classes.empty(), "probe: empty training or test set");
  GRAIN_CHECK(train_features.size() == train_classes.size() * static_cast<size_t>(width) &&
                  test_features.size() == test_classes.size() * static_cast<size_t>(width),
              "probe: features and classes disagree in count");
  ParameterStore store(DType::kFloat32);
  Linear hidden(store, "probe.hidden", width, options.hidden);
  Linear output(store, "probe.output", options.hidden, num_classes);
  store.materialize(Device::cpu());
  hidden.reset_parameters(kernels::mix64(options.seed));
  output.reset_parameters(kernels::mix64(options.seed + 1));
  AdamOptions adam_options;
  adam_options.lr = options.lr;
  Adam adam(store, adam_options);

  const Tensor x = rows_tensor(train_features, width);
  const Tensor targets =
      Tensor::from_indices(std::vector<int64_t>(train_classes.begin(), train_classes.end()),
                           {static_cast<int64_t>(train_classes.size())});
  for (int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    store.zero_grad();
    const Tensor loss = cross_entropy(output.forward(relu(hidden.forward(x))), targets);
    loss.backward();
    adam.step();
  }
  NoGradGuard no_grad;
  const std::vector<double> logits = output.forward(relu(hidden.forward(rows_tensor(test_features, width)))).to_vector();
  int64_t correct = 0;
  for (size_t n = 0; n < test_classes.size(); ++n) {
    const auto row = logits.begin() + static_cast<std::ptrdiff_t>(n * static_cast<size_t>(num_classes));
    const int predicted = static_cast<int>(std::max_element(row, row + num_classes) - row);
    correct += predicted == test_classes[n];
  }
  return 100.0 * static_cast<double>(correct) / static_cast<double>(test_classes.size());
}

}  // namespace grain
