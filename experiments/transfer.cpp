// defines: run_transfer, transfer_table (see transfer.h)
#include "experiments/transfer.h"

#include <cstdio>

#include "engine/error.h"
#include "kernels/counter_rng.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

template <class T>
std::vector<T> pick(const std::vector<T>& values, const std::vector<int64_t>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const int64_t r : rows) out.push_back(values[static_cast<size_t>(r)]);
  return out;
}

}  // namespace

TransferResult run_transfer(const TransferOptions& o) {
  GRAIN_CHECK(!o.out.empty(), "transfer: no output folder (--out)");
  GRAIN_CHECK(o.runs >= 2, "transfer: --runs " << o.runs << ": a confidence interval needs at least 2 runs");
  GRAIN_CHECK(!o.shots.empty(), "transfer: no --shots");
  fs::create_directories(o.out);
  const EncoderSource source = resolve_encoder_source(o.checkpoint, o.architecture, o.seed);
  check_target_preprocessing(source, o.target,
                             o.preprocessing_pin.empty() ? o.out / "preprocessing.json" : o.preprocessing_pin);
  const TargetFeatures f = target_features(source, o.target, o.out / "features.safetensors", o.extract);
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
