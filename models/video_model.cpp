// defines: grain::VideoModel, model_loss (see video_model.h)
#include "models/video_model.h"

#include "engine/error.h"
#include "engine/ops/binary.h"
#include "engine/ops/cross_entropy.h"
#include "engine/ops/scale.h"
#include "engine/ops/sequence_nll.h"

namespace grain {

VideoModel::VideoModel(ParameterStore& store, const ModelConfig& config)
    : config_(config), encoder_(store, "encoder", config), dropout_("heads.dropout", config.dropout) {
  if (config.num_classes > 0)
    classifier_ = std::make_unique<Linear>(store, "classifier", encoder_.output_width(), config.num_classes);
  if (config.vocabulary > 0)
    decoder_ = std::make_unique<CaptionDecoder>(store, "decoder", config, encoder_.output_width());
}

ModelOutput VideoModel::forward(const Tensor& clip, const Tensor& caption_inputs, const ForwardContext& ctx) const {
  ModelOutput out;
  out.h = encoder_.forward(clip, ctx);
  const Tensor h = dropout_.p() > 0 ? dropout_.forward(out.h, ctx) : out.h;
  if (classifier_) out.class_logits = classifier_->forward(h);
  if (caption_inputs.defined()) {
    GRAIN_CHECK(decoder_, "model: caption inputs given but the model has no decoder (vocabulary 0)");
    out.caption_logits = decoder_->teacher_forcing(h, caption_inputs);
  }
  return out;
}

void VideoModel::reset_parameters(uint64_t seed) {
  encoder_.reset_parameters(seed);
  if (classifier_) classifier_->reset_parameters(seed);
  if (decoder_) decoder_->reset_parameters(seed);
}

LossParts model_loss(const ModelOutput& out, const Tensor& classes, const Tensor& targets, const Tensor& mask,
                     const LossWeights& weights) {
  LossParts parts;
  if (weights.classification != 0) {
    GRAIN_CHECK(out.class_logits.defined(), "loss: classification weight " << weights.classification
                                                                            << " but the model has no classifier");
    const Tensor ce = cross_entropy(out.class_logits, classes);
    parts.classification = ce.item();
    parts.total = scale(ce, weights.classification);
  }
  if (weights.caption != 0) {
    GRAIN_CHECK(out.caption_logits.defined(), "loss: caption weight " << weights.caption
                                                                       << " but no caption logits were computed");
    const Tensor nll = sequence_nll(out.caption_logits, targets, mask);
    parts.caption = nll.item();
    const Tensor term = scale(nll, weights.caption);
    parts.total = parts.total.defined() ? add(parts.total, term) : term;
  }
  GRAIN_CHECK(parts.total.defined(), "loss: both loss weights are 0");
  return parts;
}

}  // namespace grain
