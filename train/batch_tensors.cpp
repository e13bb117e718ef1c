// defines: to_tensors (see batch_tensors.h)
#include "train/batch_tensors.h"

#include <cstring>

#include "data/ssv2/label_view.h"
#include "data/ssv2/vocabulary.h"
#include "engine/error.h"
#include "models/caption_decoder.h"

namespace grain {

BatchTensors to_tensors(const data::Batch& batch, const TrainerConfig& config, Device device) {
  GRAIN_CHECK(batch.pixel_type == data::PixelType::kFloat32, "trainer: the loader must deliver float32 clips");
  const data::TaskLabels& task = config.labels;
  BatchTensors t;
  t.size = batch.size();
  const auto& s = batch.shape;
  // The loader's buffer is copied into a tensor before the upload (pageable
  // memory): the pinned batch buffer is not handed to the device directly.
  Tensor clips = Tensor::empty({s[0], s[1], s[2], s[3], s[4]}, DType::kFloat32);
  std::memcpy(clips.raw_data(), batch.clips.data(), clips.nbytes());
  t.clips = clips.to(device);

  const std::vector<int32_t>& labels = batch.classes(task.classes);
  t.labelled = true;
  for (int32_t c : labels) t.labelled = t.labelled && c >= 0;
  if (t.labelled) t.classes = Tensor::from_indices(std::vector<int64_t>(labels.begin(), labels.end()), {t.size}).to(device);

  if (task.captioning() && t.labelled) {
    GRAIN_CHECK(batch.caption_length > 0, "trainer: the batch has no caption tokens (loader without a vocabulary?)");
    TeacherForcingBatch tf = teacher_forcing_batch(batch.tokens(task.captions), t.size, batch.caption_length,
                                                   data::Vocabulary::kStart, data::Vocabulary::kPad,
                                                   config.score_padding, device);
    t.caption_inputs = std::move(tf.inputs);
    t.caption_targets = std::move(tf.targets);
    t.caption_mask = std::move(tf.mask);
  }
  return t;
}

}  // namespace grain
