// evaluate: scores a predictions file against a dataset split and prints the
// numbers of the paper's tables 2 and 4 (plus CIDEr-D), and writes them as JSON.
// Design: the numbers come from grain_metrics only, so the evaluation can be
// recomputed without the model; the template baseline (paper supplement,
// data/metrics/template_baseline.h) is scored beside the model from the
// model's own predicted categories, with object statistics from the
// dataset's training split, for full and simplified captions.
#include <cstdio>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/flag_parser.h"
#include "data/common/error.h"
#include "data/metrics/caption_metrics.h"
#include "data/metrics/classification_accuracy.h"
#include "data/metrics/metric_names.h"
#include "data/metrics/predictions.h"
#include "data/metrics/template_baseline.h"
#include "data/ssv2/annotations.h"
#include "data/ssv2/label_view.h"

namespace {

using namespace grain;
using nlohmann::json;

constexpr const char* kUsage = R"(usage: evaluate --dataset DIR --predictions FILE.jsonl [--split validation] [--json OUT]
                [--classes categories|groups] [--captions full|simplified]

Scores generated captions and predicted classes against a dataset split in the
Something-Something V2 format (labels.json, train.json, validation.json, ...).

  --dataset DIR        dataset root (short names labels.json ... or the release's
                       something-something-v2-*.json names)
  --split NAME         split to score: train | validation (default: validation)
  --predictions FILE   JSON lines, one per video of the split:
                         {"id": "78687", "caption": "holding a pen next to a cup", "class": 12}
                       optional "top5": [12, 3, 40, 7, 1] for top-5 accuracy;
                       "caption" or "class" may be absent from every line
  --json OUT           also write the numbers as JSON to OUT
  --classes KIND       what "class" indexes: categories (default; labels.json order)
                       or groups (action groups, groups.json order: the cg_classes task)
  --captions KIND      reference captions: full (default) or simplified (each
                       placeholder reduced to its last word: the so_captions task)
  --help               this text

Metrics (docs/metrics.md): BLEU-1..4 (corpus), ROUGE-L, METEOR 1.5 with exact and
stem modules only (no synonym / paraphrase tables), CIDEr-D, exact-match accuracy,
token accuracy, top-1 / top-5 classification accuracy; BLEU, ROUGE-L and CIDEr-D
equal the coco-caption toolkit's. Missing or duplicate ids, ids outside the split
and unknown classes are errors naming the file and line. With --classes
categories and a train split, the template baseline (the predicted category's
template filled with its most frequent training objects; docs/spec/metrics.md)
is scored beside the model.
Exit status: 0 done, 1 error, 2 bad command line.
)";

struct Args {
  std::string dataset, split = "validation", predictions, json_out, classes = "categories", captions = "full";
};

// The flags; a bad command line throws cli::UsageError.
cli::Parsed parse_args(cli::FlagParser& flags, Args& a, int argc, char** argv) {
  flags.text("--dataset", &a.dataset);
  flags.text("--split", &a.split);
  flags.text("--predictions", &a.predictions);
  flags.text("--json", &a.json_out);
  flags.choice("--classes", &a.classes, {"categories", "groups"});
  flags.choice("--captions", &a.captions, {"full", "simplified"});
  if (flags.parse(argc, argv) == cli::Parsed::kExit) return cli::Parsed::kExit;
  if (a.dataset.empty()) throw cli::UsageError("--dataset is required");
  if (a.predictions.empty()) throw cli::UsageError("--predictions is required");
  if (a.split == "test") throw cli::UsageError("--split test: the test split has no labels to score against");
  return cli::Parsed::kRun;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

json caption_json(const metrics::CaptionScores& s) { return json(metrics::metric_values(s)); }

int run(const Args& args) {
  const data::DatasetLayout layout = data::DatasetLayout::detect(args.dataset);
  const data::Annotations annotations = data::Annotations::load(layout);
  const std::vector<data::VideoLabel> videos = annotations.split(args.split);
  const data::ClassView class_view = args.classes == "groups" ? data::ClassView::kGroup : data::ClassView::kCategory;
  const data::CaptionView caption_view =
      args.captions == "simplified" ? data::CaptionView::kSimplified : data::CaptionView::kFull;
  const bool groups = class_view == data::ClassView::kGroup;
  if (groups && !annotations.has_groups())
    throw data::DataError(args.dataset + ": --classes groups, but the dataset has no " + layout.groups);
  const int num_classes = static_cast<int>(data::class_names(class_view, annotations).size());
  auto reference = [&](const data::VideoLabel& v) -> const std::string& { return data::caption_text(caption_view, v); };

  const metrics::Predictions preds = metrics::read_predictions(args.predictions, num_classes);
  std::vector<std::string> ids;
  for (const auto& v : videos) ids.push_back(v.id);
  const std::vector<const metrics::Prediction*> matched =
      metrics::match_split(preds, ids, args.predictions, args.split);

  json out = {{"dataset", args.dataset}, {"split", args.split}, {"predictions", args.predictions},
              {"videos", videos.size()}, {"meteor_modules", "exact+stem (no synonym, no paraphrase)"}};

  std::optional<metrics::CaptionScores> model_caps, baseline_caps;
  std::optional<double> top1, top5;
  if (preds.has_captions) {
    std::vector<std::string> hyp, ref;
    for (size_t i = 0; i < videos.size(); ++i) {
      hyp.push_back(*matched[i]->caption);
      ref.push_back(reference(videos[i]));
    }
    model_caps = metrics::score_captions(hyp, ref);
    out["caption"] = caption_json(*model_caps);
  }
  if (preds.has_classes) {
    std::vector<int> predicted, truth;
    std::vector<std::vector<int>> ranked;
    for (size_t i = 0; i < videos.size(); ++i) {
      predicted.push_back(*matched[i]->category);
      truth.push_back(data::class_index(class_view, videos[i]));
      ranked.push_back(matched[i]->top5);
    }
    top1 = metrics::top1_accuracy_percent(predicted, truth);
    out["classification"] = {{metrics::kTop1, *top1}};
    if (preds.has_top5) {
      top5 = metrics::top_k_accuracy_percent(ranked, truth, 5);
      out["classification"][metrics::kTop5] = *top5;
    }
    // Template baseline: the predicted category's template, filled with that
    // category's most frequent training objects in the --captions view (it
    // needs categories: none with --classes groups).
    if (annotations.has_split("train") && !groups) {
      const metrics::TemplateBaseline baseline = metrics::template_baseline(caption_view, annotations.split("train"));
      std::vector<std::string> hyp, ref;
      for (size_t i = 0; i < videos.size(); ++i) {
        const int c = predicted[i];
        hyp.push_back(baseline.caption(c, annotations.category_names()[static_cast<size_t>(c)]));
        ref.push_back(reference(videos[i]));
      }
      baseline_caps = metrics::score_captions(hyp, ref);
      out[metrics::kTemplateBaselineSection] = caption_json(*baseline_caps);
    }
  }

  // The table (tables 2 and 4 of the paper: BLEU@4, ROUGE-L, METEOR, exact match, accuracy).
  std::printf("evaluate: %s split of %s, %zu videos; predictions %s\n", args.split.c_str(), args.dataset.c_str(),
              videos.size(), args.predictions.c_str());
  std::printf("METEOR: exact + stem modules only (no synonym / paraphrase tables); see docs/metrics.md\n\n");
  std::printf("%-20s %8s %8s %8s %8s %12s %10s %10s %8s\n", "", "BLEU@4", "ROUGE-L", "METEOR", "CIDEr-D",
              "Exact match", "Top-1 acc", "Top-5 acc", "Videos");
  auto row = [&](const char* name, const std::optional<metrics::CaptionScores>& c, std::optional<double> t1,
                 std::optional<double> t5) {
    auto cell = [](bool has, double v, int d, const char* suffix = "") {
      return has ? fixed(v, d) + suffix : std::string("-");
    };
    std::printf("%-20s %8s %8s %8s %8s %12s %10s %10s %8zu\n", name, cell(c.has_value(), c ? c->bleu[3] : 0, 4).c_str(),
                cell(c.has_value(), c ? c->rouge_l : 0, 4).c_str(), cell(c.has_value(), c ? c->meteor : 0, 4).c_str(),
                cell(c.has_value(), c ? c->cider_d : 0, 4).c_str(),
                cell(c.has_value(), c ? c->exact_match : 0, 2, "%").c_str(), cell(t1.has_value(), t1.value_or(0), 2, "%").c_str(),
                cell(t5.has_value(), t5.value_or(0), 2, "%").c_str(), videos.size());
  };
  row("model", model_caps, top1, top5);
  if (baseline_caps) row("template baseline", baseline_caps, top1, top5);
  if (model_caps)
    std::printf("\nBLEU-1..4 %.4f %.4f %.4f %.4f; token accuracy %.2f%%\n", model_caps->bleu[0], model_caps->bleu[1],
                model_caps->bleu[2], model_caps->bleu[3], model_caps->token_accuracy);

  if (!args.json_out.empty()) {
    std::ofstream f(args.json_out);
    if (!f) throw data::DataError(args.json_out + ": cannot open for writing");
    f << out.dump(2) << "\n";
    if (!f) throw data::DataError(args.json_out + ": write failed");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  cli::FlagParser flags("evaluate", kUsage);
  Args args;
  try {
    if (parse_args(flags, args, argc, argv) == cli::Parsed::kExit) return 0;
  } catch (const cli::UsageError& e) {
    return flags.usage_error(e);
  }
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "evaluate: error: %s\n", e.what());
    return 1;
  }
}
