// defines: grain::BatchTensors, to_tensors — a loader batch as engine tensors
//
// The one place where the data pipeline's plain buffers become tensors: the
// clips (N, T, H, W, 3) float32, the task's class indices, and the caption
// decoder's teacher-forcing inputs [start, w_0, ..., w_{L-2}], targets
// [w_0, ..., end, pad...] and mask (1 on words and the end token; 1 on
// padding too when the config scores padding, as the authors' code does).
#pragma once

#include "data/loader/batch.h"
#include "engine/tensor.h"
#include "tools/trainer/trainer_config.h"

namespace grain {

struct BatchTensors {
  Tensor clips, classes, caption_inputs, caption_targets, caption_mask;
  int64_t size = 0;
};

BatchTensors to_tensors(const data::Batch& batch, const TrainerConfig& config, Device device);

}  // namespace grain
