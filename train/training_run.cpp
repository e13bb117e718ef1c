// defines: TrainingRun (see training_run.h)
#include "train/training_run.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "data/common/file_io.h"
#include "data/formats/checkpoint_folder.h"
#include "data/metrics/metric_names.h"
#include "data/ssv2/label_view.h"
#include "engine/autograd.h"
#include "engine/distributed/batch_norm_sync.h"
#include "engine/error.h"
#include "kernels/counter_rng.h"
#include "train/batch_tensors.h"
#include "train/optimization.h"
#include "train/run_identity.h"
#include "train/stop_request.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The validation number that picks the best checkpoint (higher is better).
const char* selection_metric(const TrainerConfig& c) { return c.is_captioning() ? metrics::kBleu4 : metrics::kTop1; }

// Whether an evaluation of `videos` gives metrics: every video has the task's class.
bool has_labelled(const std::vector<data::VideoLabel>& videos, const data::TaskLabels& task) {
  return !videos.empty() && std::all_of(videos.begin(), videos.end(), [&](const data::VideoLabel& v) {
    return data::class_index(task.classes, v) >= 0;
  });
}

std::string format_percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", value);
  return text;
}

std::string number(double value) {
  std::ostringstream os;
  os.precision(4);
  os << value;
  return os.str();
}

// One validation in a line: the model's numbers, then the baselines beside
// them, the losses against their chance values, and the spread of the answers.
std::string describe(const std::map<std::string, double>& m, const TrainingData& data) {
  auto has = [&](const std::string& key) { return m.find(key) != m.end(); };
  std::string text;
  for (const char* key : {metrics::kTop1, metrics::kTop5, metrics::kBleu4, metrics::kRougeL, metrics::kMeteor,
                          metrics::kCiderD, metrics::kExactMatch, metrics::kLoss})
    if (has(key)) text += std::string(" ") + key + " " + number(m.at(key));
  std::string baselines;
  if (has(metrics::kMajorityTop1)) baselines += " majority-class top1 " + number(m.at(metrics::kMajorityTop1));
  const std::string template_bleu = std::string(metrics::kTemplatePrefix) + metrics::kBleu4;
  if (has(template_bleu))
    baselines += std::string(baselines.empty() ? "" : ",") + " template bleu_4 " + number(m.at(template_bleu));
  if (!baselines.empty()) text += "; baselines:" + baselines;
  std::string losses;
  if (has(metrics::kClassificationLoss))
    losses += " classification " + number(m.at(metrics::kClassificationLoss)) + " (chance ln " +
              std::to_string(data.num_classes) + " = " + number(std::log(static_cast<double>(data.num_classes))) + ")";
  if (has(metrics::kCaptionLossPerToken) && data.vocabulary)
    losses += std::string(losses.empty() ? "" : ",") + " caption " + number(m.at(metrics::kCaptionLossPerToken)) +
              " per token (chance ln " + std::to_string(data.vocabulary->size()) + " = " +
              number(std::log(static_cast<double>(data.vocabulary->size()))) + ")";
  if (!losses.empty()) text += "; losses:" + losses;
  std::string distinct;
  if (has(metrics::kDistinctClassShare)) distinct += " classes " + number(m.at(metrics::kDistinctClassShare));
  if (has(metrics::kDistinctCaptionShare))
    distinct += std::string(distinct.empty() ? "" : ",") + " captions " + number(m.at(metrics::kDistinctCaptionShare));
  if (!distinct.empty()) text += "; distinct/reference share:" + distinct;
  return text;
}

std::string scored_text(const EvalResult& r) {
  std::string text = std::to_string(r.videos) + " videos";
  if (!r.left_out.empty())
    text += " scored of " + std::to_string(r.split_videos) + "; " + std::to_string(r.left_out.size()) +
            " bad videos left out";
  return text;
}

}  // namespace

// A copy of every buffer (batch-norm running statistics): a skipped step
// puts them back, so it leaves the model exactly as it was.
std::vector<Tensor> copy_buffers(const ParameterStore& store) {
  std::vector<Tensor> copies;
  for (const auto& p : store.parameters())
    if (p->buffer) copies.push_back(p->value.clone());
  return copies;
}

void restore_buffers(const ParameterStore& store, const std::vector<Tensor>& copies) {
  size_t i = 0;
  for (const auto& p : store.parameters())
    if (p->buffer) p->value.copy_from(copies[i++]);
}

TrainingRun::TrainingRun(const TrainerConfig& config, std::string config_yaml, const TrainerOptions& options)
    : c_(config),
      config_yaml_(std::move(config_yaml)),
      options_(options),
      start_(std::chrono::steady_clock::now()),
      own_comm_(options.communicator ? nullptr : distributed::make_local_communicator()),
      comm_(options.communicator ? options.communicator : own_comm_.get()),
      world_(comm_->world_size()),
      vocabulary_file_(config.out_dir / "vocabulary.json"),
      predictions_file_(config.out_dir / ("predictions-" + config.eval_split + ".jsonl")),
      progress_(0) {
  // First of all, before any collective that follows the config (see run_setup.h).
  check_same_config_on_all_ranks(*comm_, config_yaml_);
  GRAIN_CHECK(c_.batch_size % world_ == 0,
              "train.batch_size " << c_.batch_size << " is not divisible by the " << world_
                                  << " processes of this job: it is the global batch, and each process trains on "
                                     "batch_size / processes clips of it (docs/distributed.md)");
  GRAIN_CHECK(c_.world_size == world_, "run.world_size " << c_.world_size << " but the job has " << world_
                                                         << " processes (the trainer sets run.world_size)");
  if (rank0()) {
    fs::create_directories(c_.out_dir);
    lock_.emplace(c_.out_dir);
  }
  summary_.run_dir = summary_.output_dir = c_.out_dir;
  const bool has_checkpoints = !formats::list_checkpoints(c_.out_dir).empty();
  GRAIN_CHECK(options_.resume.empty() || options_.resume == "auto" || fs::is_directory(options_.resume),
              "--resume " << options_.resume << ": not a checkpoint folder");
  GRAIN_CHECK(!has_checkpoints || !options_.resume.empty(),
              "run folder " << c_.out_dir.string() << " already has checkpoints: continue it with `trainer --config "
                            << (c_.out_dir / "config.yaml").string()
                            << " --resume auto`, or pass --out to start a new run");
  setup_ = open_run(c_, vocabulary_file_, comm_, options_.cuda_device);
  if (world_ > 1 && c_.sync_batch_norm) batch_norm_sync_ = std::make_unique<distributed::BatchNormSync>(*comm_);
  optimizer_ = make_optimizer(c_, *setup_.store);
  summary_.chance_accuracy = setup_.chance_accuracy;
  summary_.majority_accuracy = setup_.majority_accuracy;
  baselines_ = make_baselines(setup_.data, c_);
  steps_per_epoch_ = setup_.data.train_loader->batches_per_epoch();
  GRAIN_CHECK(steps_per_epoch_ > 0, "trainer: no complete batch of " << c_.batch_size << " in the training split");
  total_steps_ = c_.epochs * steps_per_epoch_;
  if (c_.max_steps > 0) total_steps_ = std::min(total_steps_, c_.max_steps);
  schedule_ = make_schedule(c_, total_steps_);
  GRAIN_CHECK(schedule_->clock() != ScheduleClock::kValidation || has_labelled(setup_.data.eval_videos, c_.labels),
              "schedule.name plateau lowers the learning rate when the validation loss stops falling, but split "
                  << c_.eval_split << " of " << c_.dataset_root.string()
                  << (setup_.data.eval_videos.empty() ? " has no videos" : " is unlabelled")
                  << ", so it would never change: set dataset.eval_split to a labelled split, or use schedule.name "
                     "step (per epoch) or cosine (per step)");
}

void TrainingRun::say(const std::string& text) {
  if (!options_.quiet && rank0()) progress_.message(text);
}

void TrainingRun::share_rank0_buffers() {
  if (world_ == 1 || batch_norm_sync_) return;
  for (const auto& p : setup_.store->parameters())
    if (p->buffer) {
      Tensor value = p->value;
      comm_->broadcast(value, 0);
    }
}

RunSummary TrainingRun::run() {
  if (!options_.resume.empty()) resume();
  if (world_ > 1) {
    check_same_start_on_all_ranks();
    // Every process starts from rank 0's weights (the same seed gives the same ones; this makes it certain).
    Tensor values = setup_.store->values();
    comm_->broadcast(values, 0);
  }
  if (rank0()) {
    data::write_file_atomic(c_.out_dir / "config.yaml", config_yaml_);
    // What an earlier attempt logged after the step this run starts from is logged again (metrics_log.h).
    log_ = std::make_unique<MetricsLog>(c_.out_dir, state_.step);
    for (const std::string& change : log_->changes()) say((state_.step > 0 ? "resume: " : "") + change);
  }
  if (!setup_.data.eval_loader)
    say("no validation: split " + c_.eval_split + " of " + c_.dataset_root.string() +
        " is empty, so there will be no validation metrics, best checkpoint or predictions");
  if (state_.step < total_steps_) train();
  final_evaluation();
  write_summary();
  return summary_;
}

void TrainingRun::resume() {
  std::optional<LoadedCheckpoint> loaded;
  if (options_.resume == "auto") {
    loaded = load_trainer_checkpoint(c_.out_dir, *setup_.store, *optimizer_, *schedule_,
                                     setup_.data.vocabulary.get());
  } else {
    loaded = load_checkpoint_folder(options_.resume, *setup_.store, *optimizer_, *schedule_,
                                    setup_.data.vocabulary.get());
  }
  if (!loaded) {
    say("resume: no checkpoint in " + c_.out_dir.string() + ", starting fresh");
    return;
  }
  const std::vector<ConfigDifference> changed = identity_differences(loaded->config_yaml, config_yaml_);
  if (!changed.empty()) {
    std::ostringstream list;
    for (const ConfigDifference& d : changed)
      list << "\n  " << d.key << ": " << d.checkpoint_value << " in the checkpoint, " << d.current_value << " now";
    GRAIN_CHECK(options_.resume_anyway,
                "resume: " << loaded->path.string() << " belongs to another run; these keys differ:" << list.str()
                           << "\npass --resume-anyway to continue with the new values (it is recorded in "
                           << (c_.out_dir / "resume-anyway.log").string() << ")");
    if (rank0()) {
      std::ofstream record(c_.out_dir / "resume-anyway.log", std::ios::app);
      record << "resumed " << loaded->path.filename().string() << " at step " << loaded->state.step
             << " with --resume-anyway; changed:" << list.str() << "\n";
      GRAIN_CHECK(record, "trainer: cannot write " << (c_.out_dir / "resume-anyway.log").string());
    }
    say("resume: continuing although the run's identity changed (recorded in resume-anyway.log):" + list.str());
  }
  for (const std::string& m : loaded->messages) say("resume: " + m);
  state_ = loaded->state;
  last_checkpoint_step_ = state_.step;
  resumed_from_ = loaded->path;
  say("resume: continuing from " + loaded->path.string() + " (step " + std::to_string(state_.step) + ")");
}

void TrainingRun::check_same_start_on_all_ranks() {
  const Tensor steps = comm_->all_gather(Tensor::from_indices({state_.step}, {1}));
  const int64_t* step = steps.data<int64_t>();
  if (std::all_of(step, step + world_, [&](int64_t s) { return s == step[0]; })) return;
  const std::string mine = "rank " + std::to_string(comm_->rank()) + " at step " + std::to_string(state_.step) +
                           " (" + (resumed_from_.empty() ? "a fresh start" : resumed_from_.string()) + ")";
  std::string starts;
  for (const std::string& text : distributed::all_gather_strings(*comm_, mine)) starts += "\n  " + text;
  GRAIN_THROW("the " << world_ << " processes of this job start from different steps:" << starts
                     << "\nevery process resumes from the checkpoints of its run folder (run.out), which must be "
                        "the same folder on every process, and every one must be given the same --resume");
}

void TrainingRun::train() {
  const TrainingData& data = setup_.data;
  say("training " + c_.task_name() + " on " + std::to_string(data.train_videos.size()) + " videos (" +
      std::to_string(data.num_classes) + " classes" +
      (data.vocabulary ? ", vocabulary " + std::to_string(data.vocabulary->size()) : std::string()) + "), " +
      std::to_string(setup_.store->size()) + " parameters, " + std::to_string(total_steps_) + " steps on " +
      setup_.device.str() + ", " + std::to_string(setup_.threads) + " threads" +
      (world_ > 1 ? " x " + std::to_string(world_) + " processes (" + comm_->backend_name() + ", batch " +
                        std::to_string(c_.batch_size / world_) + " each" +
                        (batch_norm_sync_ ? ", synchronised batch norm)" : ")")
                  : std::string()) +
      "; run folder " + c_.out_dir.string());
  progress_ = Progress(total_steps_);
  window_start_ = std::chrono::steady_clock::now();
  data::DataLoader& loader = *setup_.data.train_loader;
  while (summary_.reason == StopReason::kFinished && state_.step < total_steps_) {
    loader.start_epoch(state_.epoch, state_.batch_in_epoch);
    while (summary_.reason == StopReason::kFinished && state_.step < total_steps_) {
      std::optional<data::Batch> batch = loader.next();
      if (!batch) break;
      step(*batch);
      const bool epoch_end = state_.batch_in_epoch == steps_per_epoch_;
      after_step(epoch_end);
      if (epoch_end) break;
    }
  }
  if (!options_.quiet && rank0()) progress_.finish();
  // The end of training is always checkpointed, unless it stopped inside a
  // streak of non-finite steps: then the last good checkpoint stands.
  // (Decided from this process's memory, not the folder, which only rank 0 writes.)
  if (state_.nonfinite_in_row == 0 && last_checkpoint_step_ != state_.step) checkpoint(false);
}

void TrainingRun::step(const data::Batch& batch) {
  ParameterStore& store = *setup_.store;
  const BatchTensors t = to_tensors(batch, c_, setup_.device);
  GRAIN_CHECK(t.labelled, "trainer: a video of the training batch has no " << data::class_noun(setup_.data.task.classes));
  ForwardContext ctx{true, kernels::step_seed(c_.seed, state_.step)};
  ctx.batch_offset = comm_->rank() * (c_.batch_size / world_);  // this process's first clip in the global batch
  ctx.batch_norm_sync = batch_norm_sync_.get();
  const std::vector<Tensor> buffers_before = copy_buffers(store);
  store.zero_grad();
  const ModelOutput out = setup_.model->forward(t.clips, t.caption_inputs, ctx);
  LossParts loss = model_loss(out, t.classes, t.caption_targets, t.caption_mask, c_.loss);
  double loss_value = loss.total.item();
  if (world_ > 1) {
    // The global batch's losses (the mean of the processes' equal-sized
    // slices), and whether any process was asked to stop: one small
    // all-reduce, so every process decides alike to step, skip or stop.
    Tensor v = Tensor::from_vector({loss_value, loss.classification, loss.caption,
                                    stop_requested() ? 1.0 : 0.0}, {4}, DType::kFloat64);
    comm_->all_reduce_sum(v);
    const std::vector<double> sums = v.to_vector();
    loss_value = sums[0] / world_;
    loss.classification = sums[1] / world_;
    loss.caption = sums[2] / world_;
    stop_all_ = sums[3] > 0;
  }
  double norm = NAN;
  bool finite = std::isfinite(loss_value);
  if (finite) {
    loss.total.backward();
    if (world_ > 1) {
      Tensor gradients = store.gradients();
      comm_->all_reduce_average(gradients);  // before clipping: every process clips the same gradient
    }
    norm = c_.clip_grad_norm > 0 ? clip_grad_norm(store, c_.clip_grad_norm) : grad_norm(store);
    finite = std::isfinite(norm);
  }
  const double lr = schedule_->lr_for_step(state_.step);
  ++state_.step;
  ++state_.batch_in_epoch;
  summary_.losses.push_back(loss_value);
  if (finite) {
    optimizer_->set_learning_rate(lr);
    optimizer_->step();
    state_.nonfinite_in_row = 0;
  } else {
    restore_buffers(store, buffers_before);
    ++state_.skipped_steps;
    ++state_.nonfinite_in_row;
    say("step " + std::to_string(state_.step) + ": non-finite loss or gradient, step skipped (" +
        std::to_string(state_.nonfinite_in_row) + " in a row)");
  }
  window_clips_ += t.size * world_;
  ++state_.window_steps;
  state_.window_sums[metrics::kLoss] += loss_value;
  if (c_.loss.classification != 0) state_.window_sums[metrics::kClassificationLoss] += loss.classification;
  if (c_.loss.caption != 0) state_.window_sums[metrics::kCaptionLoss] += loss.caption;
  if (std::isfinite(norm)) state_.window_sums[metrics::kGradNorm] += norm;
  clips_per_second_ = window_clips_ / std::max(1e-9, seconds_since(window_start_));
  if (!options_.quiet && rank0())
    progress_.step(state_.step, state_.epoch, c_.epochs, loss_value, clips_per_second_, lr,
                   c_.log_every_steps);
}

void TrainingRun::after_step(bool epoch_end) {
  if (state_.step % c_.log_every_steps == 0) log_training_window();
  if (epoch_end) {
    ++state_.epoch;
    state_.batch_in_epoch = 0;
    if (schedule_->clock() == ScheduleClock::kEpoch) schedule_->update(state_.epoch, NAN);
  }
  if (state_.nonfinite_in_row >= c_.max_nonfinite_steps) {
    say("stopping: " + std::to_string(state_.nonfinite_in_row) +
        " non-finite steps in a row; the last good checkpoint is kept");
    summary_.reason = StopReason::kNonFinite;
    return;
  }
  const bool validate_now =
      setup_.data.eval_loader && (c_.eval_every_steps > 0 ? state_.step % c_.eval_every_steps == 0 : epoch_end);
  const int64_t best_before = state_.best_step;
  if (validate_now) validate();
  const bool best = state_.best_step != best_before;
  // No checkpoint inside a run of non-finite steps: the last good one stands.
  const bool checkpoint_due =
      c_.checkpoint_every_steps > 0 ? state_.step % c_.checkpoint_every_steps == 0 : validate_now || epoch_end;
  const bool stop = world_ > 1 ? stop_all_ : stop_requested();
  if (state_.nonfinite_in_row == 0 && (checkpoint_due || best || stop)) checkpoint(best);
  if (stop) {
    say("stop requested: stopped at step " + std::to_string(state_.step) + "; continue with: trainer --config " +
        (c_.out_dir / "config.yaml").string() + " --resume auto");
    summary_.reason = StopReason::kSignal;
    summary_.stop_signal = stop_signal();
  }
}

void TrainingRun::log_training_window() {
  if (state_.window_steps == 0) return;
  std::map<std::string, double> values;
  for (const auto& [k, v] : state_.window_sums) values[k] = v / static_cast<double>(state_.window_steps);
  values[metrics::kLearningRate] = schedule_->lr_for_step(state_.step - 1);  // the last step's
  values[metrics::kClipsPerSecond] = clips_per_second_;
  if (log_) log_->write("train", state_.step, state_.epoch, values);
  state_.window_sums.clear();
  state_.window_steps = 0;
  window_clips_ = 0;
  window_start_ = std::chrono::steady_clock::now();
}

void TrainingRun::report_symptoms(const EvalResult& r) {
  // Before the end of the first epoch a model that has not learned yet is expected.
  last_symptoms_.reset();
  if (state_.epoch < 1) return;
  last_symptoms_ = diagnose_evaluation(r, setup_.data, c_);
  for (const metrics::Symptom& s : *last_symptoms_) {
    say("warning: " + s.message);
    warnings_.push_back({{"step", state_.step}, {"kind", s.kind}, {"message", s.message}});
  }
}

void TrainingRun::validate() {
  share_rank0_buffers();
  EvalResult r =
      evaluate_split(*setup_.model, setup_.data, c_, setup_.device, predictions_file_, &baselines_, comm_);
  ++state_.validations;
  last_eval_step_ = state_.step;
  if (r.labelled) {
    if (log_) log_->write(c_.eval_split, state_.step, state_.epoch, r.metrics);
    say("validation at step " + std::to_string(state_.step) + " (" + scored_text(r) + "):" +
        describe(r.metrics, setup_.data));
    report_symptoms(r);
    const double value = r.metrics.at(selection_metric(c_));
    if (value > state_.best_value) state_.best_value = value, state_.best_step = state_.step;
    // The plateau schedule's clock: it watches the validation loss.
    if (schedule_->clock() == ScheduleClock::kValidation)
      schedule_->update(state_.validations, r.metrics.at(metrics::kLoss));
  } else {
    say("predictions at step " + std::to_string(state_.step) + " for " + std::to_string(r.videos) +
        " videos of the unlabelled split " + c_.eval_split + " (no metrics)");
  }
  last_eval_ = std::move(r);
}

void TrainingRun::checkpoint(bool best) {
  // Weights can overflow although the loss and gradient of the step that
  // moved them were finite: such a model is never saved, and the run stops.
  if (const Parameter* poisoned = first_non_finite(*setup_.store)) {
    say("stopping: at step " + std::to_string(state_.step) + " " + poisoned->name +
        " holds a non-finite value; no checkpoint is written and the last good one stands");
    summary_.reason = StopReason::kNonFinite;
    return;
  }
  share_rank0_buffers();
  last_checkpoint_step_ = state_.step;
  if (!rank0()) return;
  const fs::path folder = save_trainer_checkpoint(c_.out_dir, *setup_.store, *optimizer_, *schedule_, state_,
                                                  config_yaml_, vocabulary_file_);
  if (best) {
    data::write_file_atomic(c_.out_dir / "best.json",
                            nlohmann::json{{"checkpoint", folder.filename().string()},
                                           {"step", state_.step},
                                           {selection_metric(c_), state_.best_value}}
                                    .dump(2) + "\n");
  }
  std::set<int64_t> protect;
  if (state_.best_step >= 0) protect.insert(state_.best_step);
  formats::prune_checkpoints(c_.out_dir, static_cast<size_t>(std::max<int64_t>(1, c_.keep_checkpoints)), protect);
  say("checkpoint " + folder.string());
}

void TrainingRun::final_evaluation() {
  if (!setup_.data.eval_loader || summary_.reason == StopReason::kSignal) return;
  if (last_eval_step_ != state_.step) {  // the last step's validation is the final one: not repeated
    share_rank0_buffers();
    EvalResult r =
        evaluate_split(*setup_.model, setup_.data, c_, setup_.device, predictions_file_, &baselines_, comm_);
    if (r.labelled) {
      // A finished run that is resumed evaluates again (for its summary), but its log already has the row.
      if (log_ && !log_->has_row(c_.eval_split, state_.step))
        log_->write(c_.eval_split, state_.step, state_.epoch, r.metrics);
      report_symptoms(r);
    }
    last_eval_ = std::move(r);
    last_eval_step_ = state_.step;
  }
  const EvalResult& r = *last_eval_;
  say("final " + c_.eval_split + " (" + scored_text(r) + "):" + describe(r.metrics, setup_.data) + "  [chance " +
      format_percent(summary_.chance_accuracy) + ", majority class " + format_percent(summary_.majority_accuracy) +
      "]");
  if (r.labelled && last_symptoms_ && last_symptoms_->empty())
    say("no sign of a model that has not learned (no collapse, no loss at its chance value)");
}

void TrainingRun::write_summary() {
  if (last_eval_) {
    summary_.final_metrics = last_eval_->metrics;
    summary_.eval_videos = last_eval_->videos;
    summary_.predictions = last_eval_->predictions;
    summary_.metrics_step = last_eval_step_;
  }
  summary_.steps = state_.step;
  summary_.epochs_completed = state_.epoch;
  summary_.skipped_steps = state_.skipped_steps;
  summary_.seconds = seconds_since(start_);
  if (!rank0()) return;
  const char* reason = summary_.reason == StopReason::kFinished ? "finished"
                       : summary_.reason == StopReason::kSignal ? "signal"
                                                                : "non-finite steps";
  nlohmann::json s{{"task", c_.task_name()},
                   {"steps", summary_.steps},
                   {"epochs_completed", summary_.epochs_completed},
                   {"skipped_steps", summary_.skipped_steps},
                   {"stop_reason", reason},
                   {"eval_split", c_.eval_split},
                   {"eval_videos", summary_.eval_videos},
                   {"eval_split_videos", static_cast<int64_t>(setup_.data.eval_videos.size())},
                   {"metrics", summary_.final_metrics},
                   {"metrics_step", summary_.metrics_step >= 0 ? nlohmann::json(summary_.metrics_step) : nullptr},
                   {"chance_accuracy", summary_.chance_accuracy},
                   {"majority_class_accuracy", summary_.majority_accuracy},
                   {"best_step", state_.best_step},
                   {std::string("best_") + selection_metric(c_), state_.best_value},
                   {"seconds", summary_.seconds},
                   {"world_size", world_},
                   {"sync_batch_norm", world_ > 1 && c_.sync_batch_norm},
                   {"predictions", summary_.predictions.empty() ? nullptr : nlohmann::json(summary_.predictions.string())}};
  if (last_eval_ && !last_eval_->left_out.empty()) s["left_out_videos"] = last_eval_->left_out;
  // Whether the model has learned: chance values of the losses, the final
  // evaluation's symptoms (null before the end of the first epoch, when none
  // are looked for), every warning printed, and the per-class results.
  nlohmann::json chance_losses{{metrics::kClassificationLoss, std::log(static_cast<double>(setup_.data.num_classes))}};
  if (setup_.data.vocabulary)
    chance_losses[metrics::kCaptionLossPerToken] = std::log(static_cast<double>(setup_.data.vocabulary->size()));
  s["chance_losses"] = chance_losses;
  nlohmann::json diagnosis = nullptr;
  if (last_symptoms_) {
    diagnosis = nlohmann::json::array();
    for (const metrics::Symptom& symptom : *last_symptoms_)
      diagnosis.push_back({{"kind", symptom.kind}, {"message", symptom.message}});
  }
  s["diagnosis"] = diagnosis;
  s["warnings"] = warnings_;
  if (last_eval_ && last_eval_->labelled && last_eval_->videos > 0)
    s.update(write_class_report(*last_eval_, setup_.data, c_, c_.out_dir));
  if (summary_.reason == StopReason::kSignal) s["stop_signal"] = summary_.stop_signal;
  data::write_file_atomic(c_.out_dir / "summary.json", s.dump(2) + "\n");
}

}  // namespace grain
