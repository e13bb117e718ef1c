// defines: make_baselines, evaluate_split, diagnose_evaluation, write_class_report (see evaluation.h)
#include "train/evaluation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "data/common/file_io.h"
#include "data/metrics/caption_metrics.h"
#include "data/metrics/classification_accuracy.h"
#include "data/metrics/confusion_matrix.h"
#include "data/metrics/confusion_svg.h"
#include "data/metrics/metric_names.h"
#include "data/metrics/template_baseline.h"
#include "data/ssv2/label_view.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "train/batch_tensors.h"

namespace grain {

EvalBaselines make_baselines(const TrainingData& data, const TrainerConfig& config) {
  EvalBaselines b;
  for (const data::VideoLabel& v : data.train_videos)
    b.training_classes.push_back(data::class_index(config.labels.classes, v));
  if (config.labels.captioning() && config.labels.classes == data::ClassView::kCategory) {
    // The run's own classifier picks the category (the only one a run has).
    const metrics::TemplateBaseline baseline = metrics::template_baseline(config.labels.captions, data.train_videos);
    for (size_t c = 0; c < data.category_names.size(); ++c)
      b.template_captions.push_back(baseline.caption(static_cast<int>(c), data.category_names[c]));
  }
  return b;
}

namespace {

// One predicted video, before scoring.
struct VideoPrediction {
  int64_t video = 0;  // index in the evaluation split (its file order)
  std::string id;
  int truth = -1;
  std::vector<int> ranked;  // top-5 classes, best first
  std::string caption;      // caption tasks
};

// What one process's pass over its part of the split gives.
struct EvalPart {
  std::vector<VideoPrediction> videos;
  std::vector<std::pair<int64_t, std::string>> left_out;  // (batch, video) in batch order
  double loss_sum = 0, classification_loss_sum = 0, caption_loss_sum = 0, caption_tokens = 0;
  bool labelled = true;
};

nlohmann::json to_json(const EvalPart& p) {
  nlohmann::json videos = nlohmann::json::array();
  for (const VideoPrediction& v : p.videos) videos.push_back({v.video, v.id, v.truth, v.ranked, v.caption});
  return {{"videos", videos},
          {"left_out", p.left_out},
          {"sums", {p.loss_sum, p.classification_loss_sum, p.caption_loss_sum, p.caption_tokens}},
          {"labelled", p.labelled}};
}

EvalPart from_json(const nlohmann::json& j) {
  EvalPart p;
  for (const auto& v : j.at("videos"))
    p.videos.push_back({v[0].get<int64_t>(), v[1].get<std::string>(), v[2].get<int>(), v[3].get<std::vector<int>>(),
                        v[4].get<std::string>()});
  p.left_out = j.at("left_out").get<std::vector<std::pair<int64_t, std::string>>>();
  const auto& s = j.at("sums");
  p.loss_sum = s[0], p.classification_loss_sum = s[1], p.caption_loss_sum = s[2], p.caption_tokens = s[3];
  p.labelled = j.at("labelled").get<bool>();
  return p;
}

// Every process's part, merged in the order one process visits the split:
// videos by split index (evaluation visits the split in file order), the
// left-out videos by batch (the ranks' slices of a batch are in rank order).
EvalPart gather_parts(distributed::Communicator& comm, const EvalPart& mine) {
  EvalPart all;
  for (const std::string& text : distributed::all_gather_strings(comm, to_json(mine).dump())) {
    const EvalPart p = from_json(nlohmann::json::parse(text));
    all.videos.insert(all.videos.end(), p.videos.begin(), p.videos.end());
    all.left_out.insert(all.left_out.end(), p.left_out.begin(), p.left_out.end());
    all.loss_sum += p.loss_sum;
    all.classification_loss_sum += p.classification_loss_sum;
    all.caption_loss_sum += p.caption_loss_sum;
    all.caption_tokens += p.caption_tokens;
    all.labelled = all.labelled && p.labelled;
  }
  std::stable_sort(all.videos.begin(), all.videos.end(),
                   [](const VideoPrediction& a, const VideoPrediction& b) { return a.video < b.video; });
  std::stable_sort(all.left_out.begin(), all.left_out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return all;
}

// This process's pass over its part of the split (all of it in a world of one).
EvalPart predict_part(const VideoModel& model, TrainingData& data, const TrainerConfig& config, Device device) {
  const data::TaskLabels& task = config.labels;
  NoGradGuard no_grad;
  EvalPart part;
  data::DataLoader& loader = *data.eval_loader;
  loader.start_epoch(0);
  while (std::optional<data::Batch> batch = loader.next()) {
    for (const std::string& where : batch->left_out) part.left_out.emplace_back(batch->index, where);
    if (batch->size() == 0) continue;
    const BatchTensors t = to_tensors(*batch, config, device);
    part.labelled = part.labelled && t.labelled;
    const ModelOutput output = model.forward(t.clips, t.caption_inputs, {false, 0});
    if (t.labelled) {
      const LossParts loss = model_loss(output, t.classes, t.caption_targets, t.caption_mask, config.loss);
      part.loss_sum += loss.total.item() * t.size;
      part.classification_loss_sum += loss.classification * t.size;
      part.caption_loss_sum += loss.caption * t.size;  // sequence_nll averages the summed NLL over the batch
      if (config.loss.caption != 0)
        for (double m : t.caption_mask.to_vector()) part.caption_tokens += m;
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
      VideoPrediction v;
      v.video = batch->video_indices[static_cast<size_t>(n)];
      v.id = batch->ids[static_cast<size_t>(n)];
      v.truth = classes[static_cast<size_t>(n)];
      v.ranked = metrics::rank_classes(scores, static_cast<int>(std::min<int64_t>(5, k)));
      if (task.captioning())
        v.caption = data.vocabulary->decode(captions[n].data(), static_cast<int>(captions[n].size()));
      part.videos.push_back(std::move(v));
    }
  }
  return part;
}

}  // namespace

EvalResult evaluate_split(const VideoModel& model, TrainingData& data, const TrainerConfig& config, Device device,
                          const std::filesystem::path& predictions_file, const EvalBaselines* baselines,
                          distributed::Communicator* comm) {
  GRAIN_CHECK(data.eval_loader, "evaluation: split " << config.eval_split << " is empty");
  const data::TaskLabels& task = config.labels;
  EvalResult result;
  result.split_videos = static_cast<int64_t>(data.eval_videos.size());
  EvalPart part = predict_part(model, data, config, device);
  if (comm && comm->world_size() > 1) part = gather_parts(*comm, part);
  for (auto& [batch, where] : part.left_out) result.left_out.push_back(std::move(where));
  result.labelled = part.labelled;
  const double loss_sum = part.loss_sum, classification_loss_sum = part.classification_loss_sum,
               caption_loss_sum = part.caption_loss_sum, caption_tokens = part.caption_tokens;

  std::vector<int> predicted, truth;
  std::vector<std::vector<int>> ranked;
  std::vector<std::string> hypotheses, references;
  std::string lines;
  for (const VideoPrediction& v : part.videos) {
    ranked.push_back(v.ranked);
    predicted.push_back(v.ranked[0]);
    truth.push_back(v.truth);
    nlohmann::json line{{"id", v.id}, {"class", predicted.back()}, {"top5", ranked.back()}};
    if (task.captioning()) {
      const data::VideoLabel& video = data.eval_videos[static_cast<size_t>(v.video)];
      hypotheses.push_back(v.caption);
      if (result.labelled) references.push_back(data::caption_text(task.captions, video));
      line["caption"] = v.caption;
    }
    lines += line.dump() + "\n";
  }
  if (!comm || comm->rank() == 0) data::write_file_atomic(predictions_file, lines);

  result.videos = static_cast<int64_t>(predicted.size());
  result.predictions = predictions_file;
  if (!result.labelled || result.videos == 0) {
    result.labelled = result.labelled && result.videos > 0;
    return result;
  }
  const double n = static_cast<double>(result.videos);
  result.metrics[metrics::kLoss] = loss_sum / n;
  if (config.loss.classification != 0) result.metrics[metrics::kClassificationLoss] = classification_loss_sum / n;
  if (config.loss.caption != 0) {
    result.metrics[metrics::kCaptionLoss] = caption_loss_sum / n;
    if (caption_tokens > 0) result.metrics[metrics::kCaptionLossPerToken] = caption_loss_sum / caption_tokens;
  }
  result.metrics[metrics::kTop1] = metrics::top1_accuracy_percent(predicted, truth);
  result.metrics[metrics::kTop5] = metrics::top_k_accuracy_percent(ranked, truth, 5);
  result.class_spread = metrics::prediction_spread(predicted, truth);
  const int most_common_class = std::stoi(result.class_spread->most_common);
  result.class_spread->most_common = data.class_names.at(static_cast<size_t>(most_common_class));
  result.metrics[metrics::kDistinctClassShare] = result.class_spread->distinct_share;
  result.metrics[metrics::kMostCommonClassShare] = result.class_spread->most_common_share();
  if (task.captioning()) {
    for (const auto& [name, value] : metrics::metric_values(metrics::score_captions(hypotheses, references)))
      result.metrics[name] = value;
    result.caption_spread = metrics::prediction_spread(hypotheses, references);
    result.metrics[metrics::kDistinctCaptionShare] = result.caption_spread->distinct_share;
    result.metrics[metrics::kMostCommonCaptionShare] = result.caption_spread->most_common_share();
  }
  if (baselines) {
    result.metrics[metrics::kMajorityTop1] =
        metrics::majority_class_accuracy_percent(baselines->training_classes, truth);
    if (task.captioning() && !baselines->template_captions.empty()) {
      std::vector<std::string> template_hypotheses;
      for (int c : predicted) template_hypotheses.push_back(baselines->template_captions.at(static_cast<size_t>(c)));
      for (const auto& [name, value] :
           metrics::template_metric_values(metrics::score_captions(template_hypotheses, references)))
        result.metrics[name] = value;
    }
  }
  result.predicted_classes = std::move(predicted);
  result.true_classes = std::move(truth);
  return result;
}

std::vector<metrics::Symptom> diagnose_evaluation(const EvalResult& r, const TrainingData& data,
                                                  const TrainerConfig& config) {
  if (!r.labelled || r.videos == 0) return {};
  metrics::ValidationFacts facts;
  facts.split = config.eval_split;
  facts.classes = r.class_spread;
  facts.class_noun = data::class_noun(config.labels.classes);
  facts.captions = r.caption_spread;
  facts.num_classes = static_cast<int>(data.num_classes);
  facts.vocabulary = data.vocabulary ? data.vocabulary->size() : 0;
  auto metric = [&](const char* name) -> std::optional<double> {
    const auto it = r.metrics.find(name);
    return it == r.metrics.end() ? std::nullopt : std::optional<double>(it->second);
  };
  facts.classification_loss = metric(metrics::kClassificationLoss);
  facts.caption_loss_per_token = metric(metrics::kCaptionLossPerToken);
  return metrics::diagnose(facts, kNotLearnedSection);
}

nlohmann::json write_class_report(const EvalResult& r, const TrainingData& data, const TrainerConfig& config,
                                  const std::filesystem::path& dir) {
  GRAIN_CHECK(r.labelled, "class report: split " << config.eval_split << " is unlabelled");
  const std::vector<std::string>& names = data.class_names;
  const metrics::ConfusionMatrix m =
      metrics::confusion_matrix(r.predicted_classes, r.true_classes, static_cast<int>(names.size()));
  const std::vector<metrics::ClassAccuracy> accuracy = metrics::per_class_accuracy(m);
  nlohmann::json per_class = nlohmann::json::array();
  for (size_t c = 0; c < names.size(); ++c) {
    nlohmann::json entry{
        {"class", c}, {"name", names[c]}, {"videos", accuracy[c].videos}, {"correct", accuracy[c].correct}};
    entry[metrics::kTop1] = accuracy[c].videos > 0 ? nlohmann::json(accuracy[c].percent()) : nlohmann::json(nullptr);
    per_class.push_back(std::move(entry));
  }
  nlohmann::json confusions = nlohmann::json::array();
  for (const metrics::Confusion& x : metrics::top_confusions(m, 20))
    confusions.push_back({{"true", x.truth},
                          {"true_name", names[static_cast<size_t>(x.truth)]},
                          {"predicted", x.predicted},
                          {"predicted_name", names[static_cast<size_t>(x.predicted)]},
                          {"videos", x.count}});
  nlohmann::json matrix = nlohmann::json::array();
  for (int t = 0; t < m.classes; ++t) {
    const auto row = m.counts.begin() + static_cast<std::ptrdiff_t>(t) * m.classes;
    matrix.push_back(std::vector<int64_t>(row, row + m.classes));
  }
  const std::string stem = "confusion-" + config.eval_split;
  const nlohmann::json file{{"split", config.eval_split},
                            {"task", config.task_name()},
                            {"videos", m.total()},
                            {"classes", names},
                            {"rows", "true class"},
                            {"columns", "predicted class"},
                            {"matrix", matrix},
                            {"per_class", per_class},
                            {"top_confusions", confusions}};
  data::write_file_atomic(dir / (stem + ".json"), file.dump(1) + "\n");
  char top1_text[32];
  std::snprintf(top1_text, sizeof top1_text, "%.1f", r.metrics.at(metrics::kTop1));
  const std::string title = config.task_name() + ": " + config.eval_split + " confusion matrix (" +
                            std::to_string(m.total()) + " videos, top-1 " +
                            top1_text + "%)";
  data::write_file_atomic(dir / (stem + ".svg"), metrics::confusion_svg(m, names, title));
  return nlohmann::json{{"per_class", per_class},
                        {"top_confusions", confusions},
                        {"confusion_matrix", {{"json", stem + ".json"}, {"svg", stem + ".svg"}}}};
}

}  // namespace grain
