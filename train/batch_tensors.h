// defines: grain::BatchTensors, to_tensors — a loader batch as engine tensors
//
// The one place where the data pipeline's plain buffers become tensors: the
// clips (N, T, H, W, 3) float32, the task's class indices (data/ssv2/label_view.h
// says which), and the caption decoder's teacher-forcing tensors
// (models/caption_decoder.h: teacher_forcing_batch). A batch of an
// unlabelled split (the real test split) has clips only.
#pragma once

#include "data/loader/batch.h"
#include "engine/tensor.h"
#include "train/trainer_config.h"

namespace grain {

struct BatchTensors {
  Tensor clips, classes, caption_inputs, caption_targets, caption_mask;
  int64_t size = 0;
  bool labelled = true;  // false: some video has no class (classes and caption tensors undefined)
};

BatchTensors to_tensors(const data::Batch& batch, const TrainerConfig& config, Device device);

}  // namespace grain
