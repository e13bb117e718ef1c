// defines: grain::bench::StepTask, step_task, TrainStep
//
// One whole training step of the VideoModel (forward, loss, backward, Adam) on
// a fixed batch, as the training-step benchmarks run it: engine_bench's
// BM_TinyTrainingStep / BM_TinyCaptionTrainingStep (CPU, tiny preset) and
// bench/cuda/train_step_bench (any device and preset). The PyTorch peers
// (bench/engine/pytorch_train_step.py, bench/cuda/pytorch_train_step.py) build
// the same batch: keep them in step when changing it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/device.h"
#include "engine/optim/optimizer.h"
#include "engine/parameters.h"
#include "models/caption_decoder.h"
#include "models/model_config.h"
#include "models/video_model.h"

namespace grain::bench {

// A task's heads and loss at synth-ss's sizes, which every shipped config
// trains (configs/*.yaml and configs/tiny/*.yaml): cg_classes, the 10 action
// groups, cross-entropy alone; fg_captions, the 34 categories plus the
// decoder over the 88-token full-caption vocabulary, 14 tokens with teacher
// forcing, loss 1.0 x cross-entropy + 0.0773 x the caption NLL
// (configs/tiny/fg_captions.yaml's weights).
struct StepTask {
  std::string name;
  int64_t classes = 0;
  int64_t vocabulary = 0;      // 0: no decoder, no captions
  int64_t caption_length = 0;  // tokens including the end token
  int64_t label_stride = 1;    // clip i's class: (label_stride x i) mod classes
  LossWeights weights;
};

// "cg_classes" or "fg_captions"; throws grain::Error naming the choices otherwise.
StepTask step_task(const std::string& name);

// The model of `config` (its frames and crop set the clip size) with the
// task's heads, parameters initialised with seed 0 on `device`, Adam (lr 1e-3)
// and one fixed batch there: `batch` clips uniform in [0, 4) (seed 5), class
// i: (label_stride i) mod classes; for a captioning task, row i holds
// 5 + (i mod 8) words, then the end token and padding (deterministic ids).
class TrainStep {
 public:
  TrainStep(ModelConfig config, const StepTask& task, int64_t batch, Device device);
  // zero_grad, forward (training mode), loss, backward, Adam step. Returns the
  // loss, which model_loss reads back to the host, so on a GPU the step's
  // forward has finished when this returns (the backward and Adam may not).
  double run();

  const ModelConfig& config() const { return model_->config(); }
  int64_t batch() const { return batch_; }
  ParameterStore& store() { return store_; }

 private:
  ParameterStore store_;
  std::unique_ptr<VideoModel> model_;
  std::unique_ptr<Adam> adam_;
  int64_t batch_;
  LossWeights weights_;
  Tensor clips_, classes_;
  TeacherForcingBatch captions_;  // undefined tensors without captions
};

}  // namespace grain::bench
