// dp_compare: compares two trainer run folders, for the data-parallel tests
// (run_dp_training.sh).
//   dp_compare RUN_A RUN_B TOL
// Passes (exit 0) when
//   - no metrics.jsonl has two lines of one split and step (a resume that
//     logged steps again);
//   - metrics.jsonl has a training line for the same steps in both, and each
//     step's loss agrees: |a - b| <= TOL |a| (TOL 0: bit for bit);
//   - every validation line (same steps in both) agrees in every metric:
//     |a - b| <= TOL (1 + |a|) (TOL 0: equal);
//   - TOL 0: every line is the same but for the wall-clock fields wall_time
//     and clips_per_s (the JSON re-serialised without them: same keys in the
//     same order, the same shortest round-trip numbers);
//   - the predictions files list the same videos in the same order;
//   - the newest checkpoint of each has the same step and its
//     model.safetensors tensors agree: |a - b| <= TOL (1 + |a|) element by
//     element (TOL 0: model.safetensors and optimizer.safetensors byte for byte).
// Prints the largest differences; exit 1 with the first failure otherwise.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/formats/checkpoint_folder.h"
#include "data/formats/safetensors.h"

namespace fs = std::filesystem;
using grain::formats::read_safetensors;
using grain::formats::safetensors_values;

namespace {

using Lines = std::map<std::string, std::map<int64_t, nlohmann::json>>;  // split -> step -> line

Lines metrics_lines(const fs::path& run) {
  std::ifstream in(run / "metrics.jsonl");
  if (!in) throw std::runtime_error((run / "metrics.jsonl").string() + ": cannot read");
  Lines lines;
  int number = 0;
  for (std::string text; std::getline(in, text);) {
    ++number;
    if (text.empty()) continue;
    const nlohmann::json line = nlohmann::json::parse(text);
    const std::string split = line.at("split").get<std::string>();
    const int64_t step = line.at("step").get<int64_t>();
    if (!lines[split].emplace(step, line).second)
      throw std::runtime_error((run / "metrics.jsonl").string() + " line " + std::to_string(number) + ": split " +
                               split + " step " + std::to_string(step) + " is logged a second time");
  }
  return lines;
}

// A line without its wall-clock fields, serialised.
std::string without_wall_clock(nlohmann::json line) {
  line.erase("wall_time");
  line.erase("clips_per_s");
  return line.dump();
}

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> prediction_ids(const fs::path& run) {
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(run)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("predictions-", 0) != 0) continue;
    std::ifstream in(entry.path());
    for (std::string text; std::getline(in, text);)
      if (!text.empty()) ids.push_back(name + ":" + nlohmann::json::parse(text).at("id").get<std::string>());
  }
  return ids;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: dp_compare RUN_A RUN_B TOL\n");
    return 2;
  }
  const fs::path a = argv[1], b = argv[2];
  const double tol = std::stod(argv[3]);
  try {
    const Lines la = metrics_lines(a), lb = metrics_lines(b);
    // Training losses, step by step.
    require(la.count("train") && lb.count("train"), "no training lines");
    const auto& ta = la.at("train");
    const auto& tb = lb.at("train");
    require(ta.size() == tb.size(), "training lines: " + std::to_string(ta.size()) + " vs " + std::to_string(tb.size()));
    double worst_loss = 0;
    for (const auto& [step, line] : ta) {
      require(tb.count(step), "step " + std::to_string(step) + " is missing in " + b.string());
      const double x = line.at("loss").get<double>(), y = tb.at(step).at("loss").get<double>();
      const double rel = std::abs(x - y) / std::abs(x);
      worst_loss = std::max(worst_loss, rel);
      require(tol == 0 ? x == y : rel <= tol, "step " + std::to_string(step) + ": loss " + std::to_string(x) +
                                                  " vs " + std::to_string(y) + " (relative " +
                                                  std::to_string(rel) + ")");
    }
    // Validation metrics.
    double worst_metric = 0;
    int validations = 0;
    for (const auto& [split, steps] : la) {
      if (split == "train") continue;
      require(lb.count(split) && lb.at(split).size() == steps.size(), "validation lines of " + split + " differ");
      for (const auto& [step, line] : steps) {
        const nlohmann::json& other = lb.at(split).at(step);
        ++validations;
        for (const auto& [key, value] : line.items()) {
          if (!value.is_number() || key == "wall_time" || key == "step" || key == "epoch") continue;
          require(other.contains(key), split + " step " + std::to_string(step) + ": " + key + " missing");
          const double x = value.get<double>(), y = other.at(key).get<double>();
          const double d = std::abs(x - y) / (1 + std::abs(x));
          worst_metric = std::max(worst_metric, d);
          require(tol == 0 ? x == y : d <= tol, split + " step " + std::to_string(step) + ": " + key + " " +
                                                    std::to_string(x) + " vs " + std::to_string(y));
        }
      }
    }
    if (tol == 0) {
      require(la.size() == lb.size(), "the logs have other splits");
      for (const auto& [split, steps] : la)
        for (const auto& [step, line] : steps)
          require(without_wall_clock(line) == without_wall_clock(lb.at(split).at(step)),
                  split + " step " + std::to_string(step) + ": the lines differ beyond wall_time and clips_per_s");
    }
    require(prediction_ids(a) == prediction_ids(b), "the predictions files list other videos or another order");
    // The final weights.
    const auto ca = grain::formats::list_checkpoints(a), cb = grain::formats::list_checkpoints(b);
    require(!ca.empty() && !cb.empty(), "a run has no checkpoint");
    require(ca.back().step == cb.back().step, "newest checkpoints at steps " + std::to_string(ca.back().step) +
                                                  " and " + std::to_string(cb.back().step));
    const fs::path ka = ca.back().path, kb = cb.back().path;
    double worst_weight = 0;
    if (tol == 0) {
      for (const char* file : {"model.safetensors", "optimizer.safetensors"})
        require(bytes_of(ka / file) == bytes_of(kb / file), std::string(file) + " differs");
    } else {
      const auto ma = read_safetensors(ka / "model.safetensors"), mb = read_safetensors(kb / "model.safetensors");
      require(ma.tensors.size() == mb.tensors.size(), "models hold different tensors");
      for (const auto& ea : ma.tensors) {
        const auto& eb = mb.at(ea.name);
        require(ea.dtype == "F32" && eb.dtype == "F32" && ea.shape == eb.shape, ea.name + ": dtype or shape differs");
        const std::vector<float> x = safetensors_values<float>(ea), y = safetensors_values<float>(eb);
        for (size_t i = 0; i < x.size(); ++i) {
          const double d = std::abs(static_cast<double>(x[i]) - y[i]) / (1 + std::abs(static_cast<double>(x[i])));
          worst_weight = std::max(worst_weight, d);
          require(d <= tol, ea.name + "[" + std::to_string(i) + "]: " + std::to_string(x[i]) + " vs " +
                                std::to_string(y[i]));
        }
      }
    }
    std::printf("dp_compare: %zu steps, %d validations, checkpoint step %lld agree (largest differences: loss %.2e "
                "relative, metric %.2e, weight %.2e; tolerance %g)\n",
                ta.size(), validations, static_cast<long long>(ca.back().step), worst_loss, worst_metric,
                worst_weight, tol);
    return 0;
  } catch (const std::exception& e) {
    std::printf("dp_compare: %s vs %s: %s\n", a.string().c_str(), b.string().c_str(), e.what());
    return 1;
  }
}
