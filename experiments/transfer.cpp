// defines: run_transfer, transfer_table (see transfer.h)
#include "experiments/transfer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "data/ssv2/annotations.h"
#include "data/ssv2/label_view.h"
#include "engine/error.h"
#include "kernels/counter_rng.h"
#include "train/compute_threads.h"
#include "train/run_lock.h"
#include "train/stop_request.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

// Throws naming the first class with fewer than max(shots) + 1 videos;
// `counted` says which videos were counted ("in train.json").
void check_class_sizes(const fs::path& target, const std::vector<std::string>& class_names,
                       const std::vector<int>& classes, const std::vector<int64_t>& shots, const std::string& counted) {
  const int64_t k = *std::max_element(shots.begin(), shots.end());
  std::vector<int64_t> count(class_names.size(), 0);
  for (const int c : classes) ++count.at(static_cast<size_t>(c));
  for (size_t c = 0; c < class_names.size(); ++c)
    GRAIN_CHECK(count[c] > k, "target " << target.string() << ": class \"" << class_names[c] << "\" has "
                                         << count[c] << " videos " << counted << "; " << k
                                         << "-shot training (the largest of --shots) needs at least " << k + 1
                                         << " of every class (" << k << " to train on and one to test)");
}

template <class T>
std::vector<T> pick(const std::vector<T>& values, const std::vector<int64_t>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const int64_t r : rows) out.push_back(values[static_cast<size_t>(r)]);
  return out;
}

}  // namespace

void check_transfer_options(const TransferOptions& o, const fs::path& json_file) {
  GRAIN_CHECK(o.runs >= 2 && o.runs <= kMaxTransferRuns,
              "--runs " << o.runs << ": expected 2 (a confidence interval needs at least 2 runs) to "
                        << kMaxTransferRuns);
  GRAIN_CHECK(!o.shots.empty(), "--shots: no number of training videos per class given");
  for (size_t i = 0; i < o.shots.size(); ++i) {
    GRAIN_CHECK(o.shots[i] >= 1 && o.shots[i] <= kMaxShots,
                "--shots: " << o.shots[i] << " training videos per class; expected 1 to " << kMaxShots);
    GRAIN_CHECK(std::find(o.shots.begin(), o.shots.begin() + static_cast<std::ptrdiff_t>(i), o.shots[i]) ==
                    o.shots.begin() + static_cast<std::ptrdiff_t>(i),
                "--shots: " << o.shots[i] << " is given twice; each k once");
  }
  GRAIN_CHECK(o.probe.epochs >= 1 && o.probe.epochs <= kMaxProbeEpochs,
              "--epochs " << o.probe.epochs << ": expected 1 to " << kMaxProbeEpochs << " probe epochs");
  GRAIN_CHECK(std::isfinite(o.probe.lr) && o.probe.lr > 0 && o.probe.lr <= kMaxProbeLr,
              "--lr " << o.probe.lr << ": expected a finite learning rate > 0 and <= " << kMaxProbeLr);
  GRAIN_CHECK(o.probe.hidden >= 1 && o.probe.hidden <= kMaxProbeHidden,
              "probe hidden width " << o.probe.hidden << ": expected 1 to " << kMaxProbeHidden);
  check_thread_count("--threads", o.extract.threads);
  GRAIN_CHECK(o.extract.device == "cpu" || o.extract.device == "cuda" || o.extract.device == "auto",
              "--device " << o.extract.device << ": expected cpu, cuda or auto");
  GRAIN_CHECK(!o.out.empty(), "--out: no output folder given");
  GRAIN_CHECK(!fs::exists(o.out) || fs::is_directory(o.out), "--out " << o.out.string() << ": is a file, not a folder");
  if (!json_file.empty()) {
    GRAIN_CHECK(!fs::is_directory(json_file),
                "--json " << json_file.string() << ": is a folder; give the file to write, e.g. "
                          << (json_file / "transfer.json").string());
    const fs::path parent = json_file.parent_path();
    GRAIN_CHECK(parent.empty() || fs::is_directory(parent),
                "--json " << json_file.string() << ": the folder " << parent.string() << " does not exist");
  }
}

void check_transfer_target(const fs::path& target, const std::vector<int64_t>& shots) {
  GRAIN_CHECK(!shots.empty(), "--shots: no number of training videos per class given");
  GRAIN_CHECK(fs::is_directory(target), "--target " << target.string() << ": not a folder");
  // The pool target_features encodes: train.json, labelled by category.
  const data::Annotations annotations = data::Annotations::load(data::DatasetLayout::detect(target));
  GRAIN_CHECK(annotations.has_split("train"), "target " << target.string() << ": no train.json (the few-shot pool)");
  std::vector<int> classes;
  for (const data::VideoLabel& v : annotations.split("train"))
    classes.push_back(data::class_index(data::ClassView::kCategory, v));
  check_class_sizes(target, annotations.category_names(), classes, shots, "in train.json");
}

TransferResult run_transfer(const TransferOptions& o) {
  check_transfer_options(o);
  check_transfer_target(o.target, o.shots);
  fs::create_directories(o.out);
  // One transfer per output folder: two would race on its feature cache and preprocessing pin.
  const RunLock lock(o.out, "transfer");
  const EncoderSource source = resolve_encoder_source(o.checkpoint, o.architecture, o.seed);
  check_target_preprocessing(source, o.target,
                             o.preprocessing_pin.empty() ? o.out / "preprocessing.json" : o.preprocessing_pin);
  const TargetFeatures f = target_features(source, o.target, o.out / "features.safetensors", o.extract);
  // Again on what was encoded: a bad video, left out, may leave a class short.
  check_class_sizes(o.target, f.class_names, f.classes, o.shots,
                    "with an encoding (" + std::to_string(f.left_out.size()) + " videos of train.json left out)");
  const int num_classes = static_cast<int>(f.class_names.size());

  nlohmann::json j;
  j["checkpoint"] = source.random ? std::string("random") : source.checkpoint.string();
  j["checkpoint_sha256"] = source.sha256;
  j["target"] = o.target.string();
  j["chance"] = 100.0 / num_classes;
  j["classes"] = num_classes;
  j["videos"] = f.ids.size();
  j["preprocessing"] = preprocessing_of(source.config).to_json();
  j["probe"] = {{"hidden", o.probe.hidden}, {"epochs", o.probe.epochs}, {"lr", o.probe.lr}};
  j["left_out"] = f.left_out;
  j["results"] = nlohmann::json::array();
  for (const int64_t k : o.shots) {
    nlohmann::json entry{{"shots", k}};
    nlohmann::json runs = nlohmann::json::array();
    std::vector<double> accuracies;
    for (int64_t r = 0; r < o.runs; ++r) {
      // A safe point: the result is written only when every draw is done.
      throw_if_stop_requested("transfer, " + std::to_string(k) + "-shot draw " + std::to_string(r));
      const FewShotDraw draw = draw_few_shot(f.ids, f.classes, num_classes, k, o.seed, r);
      const Standardizer standardizer(f.h, f.width, draw.train);
      ProbeOptions probe = o.probe;
      probe.seed = kernels::few_shot_draw_seed(o.seed, r, k);
      const double accuracy = train_probe_accuracy(
          standardizer.apply(f.h, draw.train), pick(f.classes, draw.train), standardizer.apply(f.h, draw.test),
          pick(f.classes, draw.test), f.width, num_classes, probe);
      accuracies.push_back(accuracy);
      runs.push_back({{"seed", r}, {"train_ids", pick(f.ids, draw.train)}, {"accuracy", accuracy}});
    }
    const MeanCi m = mean_ci95(accuracies);
    entry["mean"] = m.mean;
    entry["ci95"] = m.ci95;
    entry["runs"] = runs;
    j["results"].push_back(entry);
  }
  return {j, f.from_cache};
}

std::string transfer_table(const nlohmann::json& result) {
  std::string text = "shots  accuracy (%)       chance (%)\n";
  char line[128];
  for (const auto& entry : result.at("results")) {
    std::snprintf(line, sizeof(line), "%5lld  %6.2f +- %-6.2f     %.2f\n",
                  static_cast<long long>(entry.at("shots").get<int64_t>()), entry.at("mean").get<double>(),
                  entry.at("ci95").get<double>(), result.at("chance").get<double>());
    text += line;
  }
  return text;
}

}  // namespace grain
