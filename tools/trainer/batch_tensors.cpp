// defines: to_tensors (see batch_tensors.h)
#include "tools/trainer/batch_tensors.h"

#include <cstring>

#include "data/ssv2/vocabulary.h"
#include "engine/error.h"

namespace grain {

BatchTensors to_tensors(const data::Batch& batch, const TrainerConfig& config, Device device) {
  GRAIN_CHECK(batch.pixel_type == data::PixelType::kFloat32, "trainer: the loader must deliver float32 clips");
  BatchTensors t;
  t.size = batch.size();
  const auto& s = batch.shape;
  Tensor clips = Tensor::empty({s[0], s[1], s[2], s[3], s[4]}, DType::kFloat32);
  std::memcpy(clips.raw_data(), batch.clips.data(), clips.nbytes());
  t.clips = clips.to(device);

  const std::vector<int32_t>& labels = config.task == Task::kCoarseClasses ? batch.group : batch.category;
  std::vector<int64_t> classes(labels.begin(), labels.end());
  for (size_t i = 0; i < classes.size(); ++i)
    GRAIN_CHECK(classes[i] >= 0, "trainer: video " << batch.ids[i] << " has no "
                                                   << (config.task == Task::kCoarseClasses ? "action group" : "class"));
  t.classes = Tensor::from_indices(classes, {t.size}).to(device);

  if (config.is_captioning()) {
    const std::vector<int32_t>& tokens =
        config.task == Task::kSimplifiedCaptions ? batch.simplified_tokens : batch.caption_tokens;
    const int64_t l = batch.caption_length;
    GRAIN_CHECK(l > 0 && static_cast<int64_t>(tokens.size()) == t.size * l,
                "trainer: the batch has no caption tokens (loader without a vocabulary?)");
    std::vector<int64_t> inputs(t.size * l), targets(t.size * l);
    std::vector<double> mask(t.size * l);
    for (int64_t n = 0; n < t.size; ++n)
      for (int64_t i = 0; i < l; ++i) {
        const int32_t w = tokens[n * l + i];
        targets[n * l + i] = w;
        inputs[n * l + i] = i == 0 ? data::Vocabulary::kStart : tokens[n * l + i - 1];
        mask[n * l + i] = (w != data::Vocabulary::kPad || config.score_padding) ? 1.0 : 0.0;
      }
    t.caption_inputs = Tensor::from_indices(inputs, {t.size, l}).to(device);
    t.caption_targets = Tensor::from_indices(targets, {t.size, l}).to(device);
    t.caption_mask = Tensor::from_vector(mask, {t.size, l}, DType::kFloat32).to(device);
  }
  return t;
}

}  // namespace grain
