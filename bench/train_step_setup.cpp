#include "bench/train_step_setup.h"

#include <vector>

#include "engine/error.h"

namespace grain::bench {

StepTask step_task(const std::string& name) {
  if (name == "cg_classes") return {name, 10, 0, 0, 1, {1.0, 0.0}};
  if (name == "fg_captions") return {name, 34, 88, 14, 7, {1.0, 0.0773}};
  GRAIN_THROW("unknown task '" << name << "' (expected cg_classes or fg_captions)");
}

TrainStep::TrainStep(ModelConfig config, const StepTask& task, int64_t batch, Device device)
    : batch_(batch), weights_(task.weights) {
  GRAIN_CHECK(batch >= 1, "batch must be >= 1, got " << batch);
  config.num_classes = task.classes;
  config.vocabulary = task.vocabulary;
  if (task.vocabulary) config.caption_length = task.caption_length;
  validate_model_config(config);
  model_ = std::make_unique<VideoModel>(store_, config);
  store_.materialize(device);
  model_->reset_parameters(0);
  adam_ = std::make_unique<Adam>(store_, AdamOptions{1e-3});
  clips_ = Tensor::uniform({batch, config.frames, config.crop, config.crop, 3}, 0, 4, 5).to(device);

  std::vector<int64_t> labels(static_cast<size_t>(batch));
  for (int64_t i = 0; i < batch; ++i) labels[static_cast<size_t>(i)] = (task.label_stride * i) % task.classes;
  classes_ = Tensor::from_indices(labels, {batch}).to(device);
  if (task.vocabulary) {
    constexpr int32_t kPad = 0, kStart = 1, kEnd = 2, kFirstWord = 4;  // data/ssv2/vocabulary.h's specials
    const int64_t length = task.caption_length;
    // 5 to 12 words, then <end>: real captions' range, and all fit 14 tokens.
    GRAIN_CHECK(length >= 13, "captions need at least 13 tokens, got " << length);
    std::vector<int32_t> tokens(static_cast<size_t>(batch * length), kPad);
    for (int64_t i = 0; i < batch; ++i) {
      const int64_t words = 5 + i % 8;
      for (int64_t k = 0; k < words; ++k)
        tokens[static_cast<size_t>(i * length + k)] =
            static_cast<int32_t>(kFirstWord + (11 * i + 5 * k) % (task.vocabulary - kFirstWord));
      tokens[static_cast<size_t>(i * length + words)] = kEnd;
    }
    captions_ = teacher_forcing_batch(tokens, batch, length, kStart, kPad, false, device);
  }
}

double TrainStep::run() {
  store_.zero_grad();
  const ModelOutput out = model_->forward(clips_, captions_.inputs, {true, 0});
  const LossParts loss = model_loss(out, classes_, captions_.targets, captions_.mask, weights_);
  loss.total.backward();
  adam_->step();
  return weights_.classification * loss.classification + weights_.caption * loss.caption;
}

}  // namespace grain::bench
