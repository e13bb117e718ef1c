// defines: grain::VideoModel, ModelOutput, LossWeights, model_loss
//
// The paper's model (figure 1): the video encoder, a classifier head on h and
// (when the config has a vocabulary) the caption decoder, all parameters in
// one ParameterStore under the names encoder.*, classifier.*, decoder.*.
#pragma once

#include <memory>

#include "layers/dropout.h"
#include "layers/linear.h"
#include "models/caption_decoder.h"
#include "models/video_encoder.h"

namespace grain {

struct ModelOutput {
  Tensor h;               // (N, 2 lstm_hidden) video encoding (before the heads' dropout)
  Tensor class_logits;    // (N, classes), undefined without a classifier
  Tensor caption_logits;  // (N, L, V), undefined without decoder inputs
};

struct LossWeights {
  double classification = 1.0;  // w_class
  double caption = 0.0;         // w_caption

  bool operator==(const LossWeights&) const = default;
};

struct LossParts {
  Tensor total;  // w_class CE + w_caption NLL (scalar, differentiable)
  double classification = 0, caption = 0;
};

class VideoModel {
 public:
  // Declares every parameter in `store` (not yet materialized).
  VideoModel(ParameterStore& store, const ModelConfig& config);
  // clip (N, T, H, W, 3); caption_inputs int64 (N, L) [start, w_0, ...] or undefined.
  ModelOutput forward(const Tensor& clip, const Tensor& caption_inputs, const ForwardContext& ctx) const;
  // Call after store.materialize().
  void reset_parameters(uint64_t seed);

  const ModelConfig& config() const { return config_; }
  const VideoEncoder& encoder() const { return encoder_; }
  bool has_decoder() const { return decoder_ != nullptr; }
  const CaptionDecoder& decoder() const { return *decoder_; }

 private:
  ModelConfig config_;
  VideoEncoder encoder_;
  Dropout dropout_;  // on h before the heads (model.dropout; p = 0 is the identity)
  std::unique_ptr<Linear> classifier_;
  std::unique_ptr<CaptionDecoder> decoder_;
};

// loss = w_class cross_entropy(class_logits, classes) + w_caption sequence_nll(caption_logits, targets, mask).
// classes int64 (N); targets int64 (N, L); mask (N, L) in the logits' dtype. Terms with weight 0 are skipped.
LossParts model_loss(const ModelOutput& out, const Tensor& classes, const Tensor& targets, const Tensor& mask,
                     const LossWeights& weights);

}  // namespace grain
