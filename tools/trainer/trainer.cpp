// defines: run_training (see trainer.h)
#include "tools/trainer/trainer.h"

#include <nlohmann/json.hpp>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "data/common/error.h"
#include "data/formats/checkpoint_folder.h"
#include "data/formats/tensorboard_writer.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"
#include "kernels/counter_rng.h"
#include "tools/trainer/batch_tensors.h"
#include "tools/trainer/checkpointing.h"
#include "tools/trainer/dataset_setup.h"
#include "tools/trainer/evaluation.h"
#include "tools/trainer/progress.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void write_file_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    GRAIN_CHECK(out, "trainer: cannot write " << tmp.string());
    out << text;
    GRAIN_CHECK(out, "trainer: writing " << tmp.string() << " failed");
  }
  fs::rename(tmp, path);
}

// metrics.jsonl and TensorBoard side by side.
class MetricsLog {
 public:
  explicit MetricsLog(const fs::path& run_dir)
      : jsonl_(run_dir / "metrics.jsonl", std::ios::app), tensorboard_(run_dir / "tensorboard") {
    GRAIN_CHECK(jsonl_, "trainer: cannot append to " << (run_dir / "metrics.jsonl").string());
  }
  void write(const std::string& split, int64_t step, int64_t epoch, const std::map<std::string, double>& values) {
    nlohmann::json line{{"split", split}, {"step", step}, {"epoch", epoch}, {"wall_time", formats::wall_time_now()}};
    for (const auto& [k, v] : values) {
      line[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
      tensorboard_.add_scalar(split + "/" + k, static_cast<float>(v), step);
    }
    jsonl_ << line.dump() << "\n";
    jsonl_.flush();
    tensorboard_.flush();
  }

 private:
  std::ofstream jsonl_;
  formats::TensorBoardWriter tensorboard_;
};

std::unique_ptr<Optimizer> make_optimizer(const TrainerConfig& c, ParameterStore& store) {
  if (c.optimizer == "sgd") return std::make_unique<Sgd>(store, SgdOptions{c.lr, c.momentum, c.weight_decay});
  return std::make_unique<Adam>(store, AdamOptions{c.lr, c.beta1, c.beta2, c.adam_eps, c.weight_decay});
}

// The validation number that picks the best checkpoint (higher is better).
std::string selection_metric(const TrainerConfig& c) { return c.is_captioning() ? "bleu4" : "accuracy"; }

std::string format_percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", value);
  return text;
}

std::string describe(const std::map<std::string, double>& m) {
  std::ostringstream os;
  os.precision(4);
  for (const char* key : {"accuracy", "top5", "bleu4", "rouge_l", "meteor", "cider_d", "exact_match", "loss"}) {
    auto it = m.find(key);
    if (it != m.end()) os << " " << key << " " << it->second;
  }
  return os.str();
}

}  // namespace

void request_stop() { g_stop = true; }

RunSummary run_training(const TrainerConfig& c, const std::string& config_yaml, const TrainerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  g_stop = false;
  RunSummary summary;
  summary.run_dir = c.out_dir;
  // Default: every core. Loader workers mostly wait (decoding is a small
  // part of a CPU step) and OpenMP threads no longer spin inside OpenBLAS
  // (kernels/cpu/gemm.cpp): on 2 cores with 1 worker, 2 compute threads ran
  // the quick start at 38-46 clips/s against 33-36 with 1 (docs/performance.md).
  const int threads = c.threads > 0 ? c.threads : std::max(1, omp_get_num_procs());
  omp_set_num_threads(threads);  // OpenBLAS stays single-threaded: kernels/cpu/gemm.cpp splits GEMMs

  const Device device = c.device == "cuda" ? Device::cuda(0) : Device::cpu();
  GRAIN_CHECK(!device.is_cuda() || cuda_device_count() > 0,
              "device cuda: " << (cuda_is_built() ? "no GPU is present" : "this build has no CUDA backend")
                              << " (pass --device cpu, or use configs/tiny/ for CPU-sized runs)");

  fs::create_directories(c.out_dir);
  const bool has_checkpoints = !formats::list_checkpoints(c.out_dir).empty();
  GRAIN_CHECK(options.resume.empty() || options.eval_only || options.resume == "auto" || fs::is_directory(options.resume),
              "--resume " << options.resume << ": not a checkpoint folder");
  GRAIN_CHECK(!has_checkpoints || !options.resume.empty() || options.eval_only,
              "run folder " << c.out_dir.string() << " already has checkpoints: pass --resume auto to continue it, "
                            << "or --out to start a new run");
  write_file_atomically(c.out_dir / "config.yaml", config_yaml);
  Progress progress(0);
  auto say = [&](const std::string& text) {
    if (!options.quiet) progress.message(text);
  };

  const fs::path vocabulary_file = c.out_dir / "vocabulary.json";
  TrainingData data = open_training_data(c, vocabulary_file);
  ModelConfig model_config = c.model;
  model_config.num_classes = data.num_classes;
  model_config.vocabulary = data.vocabulary ? data.vocabulary->size() : 0;
  summary.chance_accuracy = 100.0 / static_cast<double>(data.num_classes);
  {  // The majority-class baseline: classes need not be balanced (action groups are not).
    std::map<int, int64_t> counts;
    for (const auto& v : data.train_videos) ++counts[class_of(c, v)];
    const int majority = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
                           return a.second < b.second;
                         })->first;
    int64_t hits = 0;
    for (const auto& v : data.eval_videos) hits += class_of(c, v) == majority;
    summary.majority_accuracy = data.eval_videos.empty() ? 0.0 : 100.0 * hits / data.eval_videos.size();
  }

  ParameterStore store(DType::kFloat32);
  VideoModel model(store, model_config);
  store.materialize(device);
  model.reset_parameters(c.seed);
  std::unique_ptr<Optimizer> optimizer = make_optimizer(c, store);
  std::unique_ptr<LrSchedule> schedule;
  ReduceLrOnPlateau* plateau = nullptr;
  if (c.schedule == "step") {
    schedule = std::make_unique<StepLr>(c.lr, c.step_size, c.gamma);
  } else if (c.schedule == "plateau") {
    auto p = std::make_unique<ReduceLrOnPlateau>(
        c.lr, PlateauOptions{c.plateau_factor, c.plateau_patience, c.plateau_threshold, c.plateau_cooldown, c.min_lr});
    plateau = p.get();
    schedule = std::move(p);
  } else {
    schedule = std::make_unique<ConstantLr>(c.lr);
  }

  TrainerState state;
  state.lr = c.lr;
  if (!options.resume.empty()) {
    std::optional<LoadedCheckpoint> loaded;
    if (options.resume == "auto") {
      loaded = load_trainer_checkpoint(c.out_dir, store, *optimizer, data.vocabulary.get());
    } else {
      loaded = load_checkpoint_folder(options.resume, store, *optimizer, data.vocabulary.get());
    }
    if (loaded) {
      for (const std::string& m : loaded->messages) say("resume: " + m);
      state = loaded->state;
      if (plateau) plateau->best = state.plateau_best, plateau->bad_epochs = state.plateau_bad,
                   plateau->cooldown_left = state.plateau_cooldown;
      say("resume: continuing from " + loaded->path.string() + " (step " + std::to_string(state.step) + ")");
    } else {
      GRAIN_CHECK(options.resume == "auto" && !options.eval_only,
                  "resume: no checkpoint in " << c.out_dir.string());
      say("resume: no checkpoint in " + c.out_dir.string() + ", starting fresh");
    }
  }
  optimizer->set_learning_rate(state.lr);
  MetricsLog log(c.out_dir);
  const fs::path predictions = c.out_dir / ("predictions-" + c.eval_split + ".jsonl");

  auto validate = [&]() {
    const EvalResult r = evaluate_split(model, data, c, device, predictions);
    log.write(c.eval_split, state.step, state.epoch, r.metrics);
    say("validation at step " + std::to_string(state.step) + " (" + std::to_string(r.videos) + " videos):" +
        describe(r.metrics));
    ++state.validations;
    const double value = r.metrics.at(selection_metric(c));
    const bool best = value > state.best_value;
    if (best) state.best_value = value, state.best_step = state.step;
    // The schedule's clock is the validation count; the plateau schedule watches the validation loss.
    state.lr = schedule->update(state.validations, r.metrics.at("loss"));
    if (plateau) state.plateau_best = plateau->best, state.plateau_bad = plateau->bad_epochs,
                 state.plateau_cooldown = plateau->cooldown_left;
    optimizer->set_learning_rate(state.lr);
    return std::make_pair(r, best);
  };
  auto checkpoint = [&](bool best) {
    const fs::path folder = save_trainer_checkpoint(c.out_dir, store, *optimizer, state, config_yaml, vocabulary_file);
    if (best) {
      write_file_atomically(c.out_dir / "best.json",
                            nlohmann::json{{"checkpoint", folder.filename().string()},
                                           {"step", state.step},
                                           {selection_metric(c), state.best_value}}
                                    .dump(2) + "\n");
    }
    std::set<int64_t> protect;
    if (state.best_step >= 0) protect.insert(state.best_step);
    formats::prune_checkpoints(c.out_dir, static_cast<size_t>(std::max<int64_t>(1, c.keep_checkpoints)), protect);
    say("checkpoint " + folder.string());
  };

  data::DataLoader& loader = *data.train_loader;
  const int64_t per_epoch = loader.batches_per_epoch();
  GRAIN_CHECK(per_epoch > 0, "trainer: no complete batch of " << c.batch_size << " in the training split");
  int64_t total = c.epochs * per_epoch;
  if (c.max_steps > 0) total = std::min(total, c.max_steps);

  if (!options.eval_only && state.step < total) {
    say("training " + c.task_name + " on " + std::to_string(data.train_videos.size()) + " videos (" +
        std::to_string(data.num_classes) + " classes" +
        (data.vocabulary ? ", vocabulary " + std::to_string(data.vocabulary->size()) : std::string()) + "), " +
        std::to_string(store.size()) + " parameters, " + std::to_string(total) + " steps on " + device.str() + ", " +
        std::to_string(threads) + " threads; run folder " + c.out_dir.string());
    progress = Progress(total);
    bool stop = false;
    auto window_start = std::chrono::steady_clock::now();
    int64_t window_clips = 0;
    std::map<std::string, double> window_sums;
    int64_t window_steps = 0;
    while (!stop && state.step < total) {
      loader.start_epoch(state.epoch, state.batch_in_epoch);
      while (state.step < total) {
        std::optional<data::Batch> batch = loader.next();
        if (!batch) break;
        const BatchTensors t = to_tensors(*batch, c, device);
        // Each step's randomness is a pure function of (seed, step).
        const ForwardContext ctx{true, kernels::mix64(c.seed * 0x9e3779b97f4a7c15ULL + state.step)};
        store.zero_grad();
        const ModelOutput out = model.forward(t.clips, t.caption_inputs, ctx);
        const LossParts loss = model_loss(out, t.classes, t.caption_targets, t.caption_mask, c.loss);
        const double loss_value = loss.total.item();
        double norm = NAN;
        bool finite = std::isfinite(loss_value);
        if (finite) {
          loss.total.backward();
          norm = c.clip_grad_norm > 0 ? clip_grad_norm(store, c.clip_grad_norm) : grad_norm(store);
          finite = std::isfinite(norm);
        }
        ++state.step;
        ++state.batch_in_epoch;
        summary.losses.push_back(loss_value);
        if (finite) {
          optimizer->step();
          state.nonfinite_in_row = 0;
        } else {
          ++state.skipped_steps;
          ++state.nonfinite_in_row;
          say("step " + std::to_string(state.step) + ": non-finite loss or gradient, step skipped (" +
              std::to_string(state.nonfinite_in_row) + " in a row)");
          if (state.nonfinite_in_row >= c.max_nonfinite_steps) {
            say("stopping: " + std::to_string(state.nonfinite_in_row) +
                " non-finite steps in a row; the last good checkpoint is kept");
            summary.stopped_early = true;
            stop = true;
            break;
          }
        }
        window_clips += t.size;
        ++window_steps;
        window_sums["loss"] += loss_value;
        if (c.loss.classification != 0) window_sums["classification_loss"] += loss.classification;
        if (c.loss.caption != 0) window_sums["caption_loss"] += loss.caption;
        if (std::isfinite(norm)) window_sums["grad_norm"] += norm;
        const double clips_per_second = window_clips / std::max(1e-9, seconds_since(window_start));
        if (!options.quiet)
          progress.step(state.step, state.epoch, c.epochs, loss_value, clips_per_second, state.lr, c.log_every_steps);
        if (state.step % c.log_every_steps == 0) {
          std::map<std::string, double> values;
          for (const auto& [k, v] : window_sums) values[k] = v / window_steps;
          values["lr"] = state.lr;
          values["clips_per_s"] = clips_per_second;
          log.write("train", state.step, state.epoch, values);
          window_sums.clear();
          window_steps = 0;
          window_clips = 0;
          window_start = std::chrono::steady_clock::now();
        }
        const bool epoch_end = state.batch_in_epoch == per_epoch;
        if (epoch_end) {
          ++state.epoch;
          state.batch_in_epoch = 0;
        }
        const bool validate_now =
            c.eval_every_steps > 0 ? state.step % c.eval_every_steps == 0 : epoch_end;
        bool best = false;
        if (validate_now && data.eval_loader) best = validate().second;
        // No checkpoint inside a run of non-finite steps: the last good one stands.
        const bool checkpoint_now =
            state.nonfinite_in_row == 0 &&
            (c.checkpoint_every_steps > 0 ? state.step % c.checkpoint_every_steps == 0 : validate_now);
        if (checkpoint_now || best) checkpoint(best);
        if (g_stop) {
          say("stop requested: checkpointing at step " + std::to_string(state.step) +
              "; continue with --resume auto");
          if (!checkpoint_now && !best) checkpoint(false);
          summary.stopped_early = stop = true;
          break;
        }
        if (epoch_end) break;
      }
    }
    progress.finish();
    // The end of training is always checkpointed (unless it was stopped
    // early: then the last good checkpoint stands).
    const auto saved = formats::list_checkpoints(c.out_dir);
    if (!summary.stopped_early && (saved.empty() || saved.back().step != state.step)) checkpoint(false);
  }

  if (data.eval_loader && !(summary.stopped_early && g_stop)) {
    const EvalResult r = evaluate_split(model, data, c, device, predictions);
    summary.final_metrics = r.metrics;
    summary.eval_videos = r.videos;
    summary.predictions = r.predictions;
    log.write(c.eval_split, state.step, state.epoch, r.metrics);
    say("final " + c.eval_split + " (" + std::to_string(r.videos) + " videos):" + describe(r.metrics) +
        "  [chance " + format_percent(summary.chance_accuracy) + ", majority class " +
        format_percent(summary.majority_accuracy) + "]");
  }
  summary.steps = state.step;
  summary.epochs_completed = state.epoch;
  summary.skipped_steps = state.skipped_steps;
  summary.seconds = seconds_since(start);
  nlohmann::json s{{"task", c.task_name},
                   {"steps", summary.steps},
                   {"epochs_completed", summary.epochs_completed},
                   {"skipped_steps", summary.skipped_steps},
                   {"stopped_early", summary.stopped_early},
                   {"eval_split", c.eval_split},
                   {"eval_videos", summary.eval_videos},
                   {"metrics", summary.final_metrics},
                   {"chance_accuracy", summary.chance_accuracy},
                   {"majority_class_accuracy", summary.majority_accuracy},
                   {"best_step", state.best_step},
                   {"best_" + selection_metric(c), state.best_value},
                   {"seconds", summary.seconds},
                   {"predictions", summary.predictions.string()}};
  write_file_atomically(c.out_dir / "summary.json", s.dump(2) + "\n");
  return summary;
}

}  // namespace grain
