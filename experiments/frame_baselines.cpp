// defines: train_frame_baseline (see frame_baselines.h)
#include "experiments/frame_baselines.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "data/common/file_io.h"
#include "data/metrics/classification_accuracy.h"
#include "data/metrics/metric_names.h"
#include "engine/autograd.h"
#include "engine/device.h"
#include "engine/error.h"
#include "engine/ops/cross_entropy.h"
#include "kernels/counter_rng.h"
#include "train/batch_tensors.h"
#include "train/dataset_setup.h"
#include "train/optimization.h"
#include "train/stop_request.h"

namespace grain {

namespace fs = std::filesystem;

nlohmann::json train_frame_baseline(const TrainerConfig& fg_config, FrameBaselineKind kind, const fs::path& out_dir,
                                    int64_t hidden, bool quiet) {
  TrainerConfig c = fg_config;
  c.labels = data::task_labels("fg_classes");
  omp_set_num_threads(c.threads > 0 ? c.threads : std::max(1, omp_get_num_procs()));
  // The config's device resolved when it was read; reproduce is one process, so its GPU is GPU 0.
  const Device device = c.device == DeviceType::kCUDA ? Device::cuda(0) : Device::cpu();
  GRAIN_CHECK(!device.is_cuda() || device.index < cuda_device_count(),
              "frame baseline: device " << device.str() << ", but " << cuda_device_count() << " GPUs are present");
  fs::create_directories(out_dir);
  TrainingData data = open_training_data(c, out_dir / "unused-vocabulary.json");
  GRAIN_CHECK(data.eval_loader, "frame baseline: split " << c.eval_split << " of " << c.dataset_root.string()
                                                         << " is empty");
  ParameterStore store(DType::kFloat32);
  FrameBaseline model(store, c.model, kind, data.num_classes, hidden);
  store.materialize(device);
  model.reset_parameters(c.seed);
  // The config's optimizer at its base rate: the frame baselines train without a schedule.
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(c, store);

  const int64_t per_epoch = data.train_loader->batches_per_epoch();
  GRAIN_CHECK(per_epoch > 0, "frame baseline: no complete batch of " << c.batch_size << " training videos");
  const int64_t total = c.max_steps > 0 ? std::min(c.max_steps, c.epochs * per_epoch) : c.epochs * per_epoch;
  const std::string name = frame_baseline_name(kind);
  int64_t step = 0;
  for (int64_t epoch = 0; step < total; ++epoch) {
    data.train_loader->start_epoch(epoch);
    double loss_sum = 0;
    int64_t batches = 0;
    while (step < total) {
      // A safe point: the baseline writes nothing until it has finished, so a rerun starts it afresh.
      throw_if_stop_requested("frame baseline " + name + " (step " + std::to_string(step) + ")");
      std::optional<data::Batch> batch = data.train_loader->next();
      if (!batch) break;
      const BatchTensors t = to_tensors(*batch, c, device);
      const Tensor loss = cross_entropy(model.forward(t.clips, {true, kernels::step_seed(c.seed, step)}), t.classes);
      store.zero_grad();
      loss.backward();
      const double value = loss.item();
      GRAIN_CHECK(std::isfinite(value), "frame baseline " << name << ": non-finite loss at step " << step);
      optimizer->step();
      loss_sum += value;
      ++batches;
      ++step;
    }
    if (!quiet && batches > 0)
      std::fprintf(stderr, "frame baseline %s: epoch %lld, step %lld/%lld, loss %.4f\n", name.c_str(),
                   static_cast<long long>(epoch + 1), static_cast<long long>(step), static_cast<long long>(total),
                   loss_sum / static_cast<double>(batches));
  }

  NoGradGuard no_grad;
  std::vector<int> predicted, truth;
  std::vector<std::vector<int>> ranked;
  data.eval_loader->start_epoch(0);
  while (std::optional<data::Batch> batch = data.eval_loader->next()) {
    if (batch->size() == 0) continue;
    const BatchTensors t = to_tensors(*batch, c, device);
    const std::vector<double> logits = model.forward(t.clips, {false, 0}).to(Device::cpu()).to_vector();
    const int64_t k = data.num_classes;
    const std::vector<int32_t>& classes = batch->classes(c.labels.classes);
    for (int64_t n = 0; n < t.size; ++n) {
      const std::vector<float> scores(logits.begin() + n * k, logits.begin() + (n + 1) * k);
      ranked.push_back(metrics::rank_classes(scores, static_cast<int>(std::min<int64_t>(5, k))));
      predicted.push_back(ranked.back()[0]);
      truth.push_back(classes[static_cast<size_t>(n)]);
    }
  }
  GRAIN_CHECK(!truth.empty(), "frame baseline " << name << ": no evaluation video could be read");
  nlohmann::json m{{metrics::kTop1, metrics::top1_accuracy_percent(predicted, truth)},
                   {metrics::kTop5, metrics::top_k_accuracy_percent(ranked, truth, 5)}};
  data::write_file_atomic(out_dir / "summary.json",
                          nlohmann::json{{"model", name}, {"hidden", hidden}, {"steps", step}, {"eval_videos", truth.size()},
                                         {"metrics", m}}
                                  .dump(2) +
                              "\n");
  return m;
}

}  // namespace grain
