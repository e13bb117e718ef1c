// defines: evaluate_split (see evaluation.h)
#include "tools/trainer/evaluation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "data/metrics/caption_metrics.h"
#include "data/metrics/classification_accuracy.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "tools/trainer/batch_tensors.h"

namespace grain {

EvalResult evaluate_split(const VideoModel& model, TrainingData& data, const TrainerConfig& config, Device device,
                          const std::filesystem::path& predictions_file) {
  GRAIN_CHECK(data.eval_loader, "evaluation: split " << config.eval_split << " is empty");
  NoGradGuard no_grad;
  EvalResult result;
  std::vector<int> predicted, truth;
  std::vector<std::vector<int>> ranked;
  std::vector<std::string> hypotheses, references;
  double loss_sum = 0;
  const std::filesystem::path temporary = predictions_file.string() + ".tmp";
  std::ofstream out(temporary);
  GRAIN_CHECK(out, "evaluation: cannot write " << temporary.string());

  data::DataLoader& loader = *data.eval_loader;
  loader.start_epoch(0);
  while (std::optional<data::Batch> batch = loader.next()) {
    const BatchTensors t = to_tensors(*batch, config, device);
    const ModelOutput output = model.forward(t.clips, t.caption_inputs, {false, 0});
    loss_sum += model_loss(output, t.classes, t.caption_targets, t.caption_mask, config.loss).total.item() * t.size;

    const std::vector<double> logits = output.class_logits.to_vector();
    const std::vector<double> classes = t.classes.to_vector();
    const int64_t k = output.class_logits.size(1);
    std::vector<std::vector<int32_t>> captions;
    if (config.is_captioning()) {
      const int32_t start = data::Vocabulary::kStart, end = data::Vocabulary::kEnd;
      captions = config.beam_width > 1
                     ? model.decoder().beam_search(output.h, config.model.caption_length, config.beam_width, start, end)
                     : model.decoder().greedy(output.h, config.model.caption_length, start, end);
    }
    for (int64_t n = 0; n < t.size; ++n) {
      std::vector<float> scores(logits.begin() + n * k, logits.begin() + (n + 1) * k);
      ranked.push_back(metrics::rank_classes(scores, static_cast<int>(std::min<int64_t>(5, k))));
      predicted.push_back(ranked.back()[0]);
      truth.push_back(static_cast<int>(classes[n]));
      nlohmann::json line{{"id", batch->ids[n]}, {"class", predicted.back()}, {"top5", ranked.back()}};
      if (config.is_captioning()) {
        const std::string caption =
            data.vocabulary->decode(captions[n].data(), static_cast<int>(captions[n].size()));
        const data::VideoLabel& video = data.eval_videos[static_cast<size_t>(batch->video_indices[n])];
        hypotheses.push_back(caption);
        references.push_back(caption_of(config, video));
        line["caption"] = caption;
      }
      out << line.dump() << "\n";
    }
  }
  out.close();
  GRAIN_CHECK(out, "evaluation: writing " << temporary.string() << " failed");
  std::filesystem::rename(temporary, predictions_file);

  result.videos = static_cast<int64_t>(truth.size());
  result.predictions = predictions_file;
  result.metrics["loss"] = loss_sum / std::max<int64_t>(result.videos, 1);
  result.metrics["accuracy"] = metrics::top1_accuracy_percent(predicted, truth);
  result.metrics["top5"] = metrics::top_k_accuracy_percent(ranked, truth, 5);
  if (config.is_captioning()) {
    const metrics::CaptionScores s = metrics::score_captions(hypotheses, references);
    result.metrics["bleu4"] = s.bleu[3];
    result.metrics["rouge_l"] = s.rouge_l;
    result.metrics["meteor"] = s.meteor;
    result.metrics["cider_d"] = s.cider_d;
    result.metrics["exact_match"] = s.exact_match;
    result.metrics["token_accuracy"] = s.token_accuracy;
  }
  return result;
}

}  // namespace grain
