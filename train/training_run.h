// defines: grain::TrainingRun — one training run, start to finish
//
// Owns the run folder (lock, effective config, vocabulary, metrics.jsonl,
// TensorBoard events, checkpoints, best.json, predictions, summary.json).
// run() = resume() (when asked), then steps until the budget, a stop
// request or too many non-finite steps in a row, then the final
// evaluation and summary. metrics.jsonl and TensorBoard are first cut back
// to the step the run starts from (metrics_log.h), so what an attempt logged
// after its last checkpoint is not kept twice, and a finished run that is
// resumed logs nothing new. after_step() is the one place that decides
// whether to validate, checkpoint or stop. Each validation after the first
// epoch is also diagnosed (collapsed predictions, a loss at its chance
// value): the symptoms are printed as warnings and kept for summary.json,
// which also gets the per-class results (evaluation.h).
//
// Data-parallel (docs/distributed.md): every process of a job runs one
// TrainingRun over its communicator. Each trains on its contiguous
// batch_size / N slice of every global batch (the loader's sharding), the
// losses are averaged over the processes before the finiteness check (so all
// skip or step together), one all-reduce averages the flat gradient buffer
// before clipping, and every process takes the same optimizer step. Batch
// norm's statistics are synchronised (train.sync_batch_norm) through the
// ForwardContext. Validation is sharded and gathered (evaluation.h). Rank 0
// alone holds the lock, prints, and writes config.yaml, metrics.jsonl,
// TensorBoard, checkpoints, best.json, predictions and summary.json; every
// process reads the checkpoint on resume. Before anything else every process
// checks that it was given rank 0's config (check_same_config_on_all_ranks),
// and after the resume that all start from the same step.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "engine/distributed/communicator.h"
#include "engine/ops/batch_norm.h"
#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"
#include "train/checkpointing.h"
#include "train/evaluation.h"
#include "train/metrics_log.h"
#include "train/progress.h"
#include "train/run_lock.h"
#include "train/run_setup.h"
#include "train/run_options.h"
#include "train/trainer_config.h"

namespace grain {

class TrainingRun {
 public:
  TrainingRun(const TrainerConfig& config, std::string config_yaml, const TrainerOptions& options);
  RunSummary run();

 private:
  void resume();
  // A world of several: every process starts from the same step (a process
  // that found another checkpoint, or none, would train another number of steps).
  void check_same_start_on_all_ranks();
  void train();
  void step(const data::Batch& batch);
  void after_step(bool epoch_end);
  void validate();
  void checkpoint(bool best);
  void log_training_window();
  void final_evaluation();
  void write_summary();
  void say(const std::string& text);
  void report_symptoms(const EvalResult& r);
  bool rank0() const { return comm_->rank() == 0; }
  // Without synchronised batch norm each process has its own running
  // statistics; rank 0's are the model's (evaluated and saved) from here on.
  void share_rank0_buffers();

  const TrainerConfig& c_;
  const std::string config_yaml_;
  const TrainerOptions options_;
  const std::chrono::steady_clock::time_point start_;
  std::unique_ptr<distributed::Communicator> own_comm_;  // a world of one when options.communicator is null
  distributed::Communicator* comm_;
  int world_ = 1;
  std::optional<RunLock> lock_;  // rank 0
  std::filesystem::path vocabulary_file_, predictions_file_;
  RunSetup setup_;
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<LrSchedule> schedule_;
  std::unique_ptr<MetricsLog> log_;  // rank 0
  std::unique_ptr<CrossProcessSum> batch_norm_sync_;  // synchronised batch norm in a world of several
  bool stop_all_ = false;  // a world of several: some process was asked to stop (this step's all-reduce)
  Progress progress_;
  TrainerState state_;
  RunSummary summary_;
  int64_t total_steps_ = 0, steps_per_epoch_ = 0;
  std::optional<EvalResult> last_eval_;  // the latest validation, and its step
  int64_t last_eval_step_ = -1;
  int64_t last_checkpoint_step_ = -1;  // the step of the newest checkpoint this run wrote or resumed from
  std::filesystem::path resumed_from_;  // the checkpoint resumed from ("" for a fresh start)
  EvalBaselines baselines_;                    // from the training split, once
  std::optional<std::vector<metrics::Symptom>> last_symptoms_;  // of last_eval_; none before the first epoch's end
  nlohmann::json warnings_ = nlohmann::json::array();  // every symptom printed by this process, with its step
  std::chrono::steady_clock::time_point window_start_;
  int64_t window_clips_ = 0;
  double clips_per_second_ = 0;
};

// A copy of every buffer of the store (batch-norm running statistics), and
// its restoration: a skipped non-finite step puts back the statistics its
// forward pass computed, so it leaves the model exactly as it was.
std::vector<Tensor> copy_buffers(const ParameterStore& store);
void restore_buffers(const ParameterStore& store, const std::vector<Tensor>& copies);

}  // namespace grain
