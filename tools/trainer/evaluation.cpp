// defines: evaluate_split (see evaluation.h)
#include "tools/trainer/evaluation.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "data/common/file_io.h"
#include "data/metrics/caption_metrics.h"
#include "data/metrics/classification_accuracy.h"
#include "data/metrics/metric_names.h"
#include "data/ssv2/label_view.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "tools/trainer/batch_tensors.h"

namespace grain {

EvalResult evaluate_split(const VideoModel& model, TrainingData& data, const TrainerConfig& config, Device device,
                          const std::filesystem::path& predictions_file) {
  GRAIN_CHECK(data.eval_loader, "evaluation: split " << config.eval_split << " is empty");
  const data::TaskLabels& task = config.labels;
  NoGradGuard no_grad;
  EvalResult result;
  result.split_videos = static_cast<int64_t>(data.eval_videos.size());
  std::vector<int> predicted, truth;
  std::vector<std::vector<int>> ranked;
  std::vector<std::string> hypotheses, references;
  double loss_sum = 0, classification_loss_sum = 0, caption_loss_sum = 0;
  std::string lines;

  data::DataLoader& loader = *data.eval_loader;
  loader.start_epoch(0);
  while (std::optional<data::Batch> batch = loader.next()) {
    result.left_out.insert(result.left_out.end(), batch->left_out.begin(), batch->left_out.end());
    if (batch->size() == 0) continue;
    const BatchTensors t = to_tensors(*batch, config, device);
    result.labelled = result.labelled && t.labelled;
    const ModelOutput output = model.forward(t.clips, t.caption_inputs, {false, 0});
    if (t.labelled) {
      const LossParts loss = model_loss(output, t.classes, t.caption_targets, t.caption_mask, config.loss);
      loss_sum += loss.total.item() * t.size;
      classification_loss_sum += loss.classification * t.size;
      caption_loss_sum += loss.caption * t.size;
    }
    const std::vector<double> logits = output.class_logits.to_vector();
    const int64_t k = output.class_logits.size(1);
    std::vector<std::vector<int32_t>> captions;
    if (task.captioning()) {
      const int32_t start = data::Vocabulary::kStart, end = data::Vocabulary::kEnd;
      captions = config.beam_width > 1
                     ? model.decoder().beam_search(output.h, config.model.caption_length, config.beam_width, start, end)
                     : model.decoder().greedy(output.h, config.model.caption_length, start, end);
    }
    const std::vector<int32_t>& classes = batch->classes(task.classes);
    for (int64_t n = 0; n < t.size; ++n) {
      std::vector<float> scores(logits.begin() + n * k, logits.begin() + (n + 1) * k);
      ranked.push_back(metrics::rank_classes(scores, static_cast<int>(std::min<int64_t>(5, k))));
      predicted.push_back(ranked.back()[0]);
      truth.push_back(classes[static_cast<size_t>(n)]);
      nlohmann::json line{{"id", batch->ids[n]}, {"class", predicted.back()}, {"top5", ranked.back()}};
      if (task.captioning()) {
        const std::string caption =
            data.vocabulary->decode(captions[n].data(), static_cast<int>(captions[n].size()));
        const data::VideoLabel& video = data.eval_videos[static_cast<size_t>(batch->video_indices[n])];
        hypotheses.push_back(caption);
        if (t.labelled) references.push_back(data::caption_text(task.captions, video));
        line["caption"] = caption;
      }
      lines += line.dump() + "\n";
    }
  }
  data::write_file_atomic(predictions_file, lines);

  result.videos = static_cast<int64_t>(predicted.size());
  result.predictions = predictions_file;
  if (!result.labelled || result.videos == 0) {
    result.labelled = result.labelled && result.videos > 0;
    return result;
  }
  const double n = static_cast<double>(result.videos);
  result.metrics[metrics::kLoss] = loss_sum / n;
  if (config.loss.classification != 0) result.metrics[metrics::kClassificationLoss] = classification_loss_sum / n;
  if (config.loss.caption != 0) result.metrics[metrics::kCaptionLoss] = caption_loss_sum / n;
  result.metrics[metrics::kTop1] = metrics::top1_accuracy_percent(predicted, truth);
  result.metrics[metrics::kTop5] = metrics::top_k_accuracy_percent(ranked, truth, 5);
  if (task.captioning()) {
    for (const auto& [name, value] : metrics::metric_values(metrics::score_captions(hypotheses, references)))
      result.metrics[name] = value;
  }
  return result;
}

}  // namespace grain
