// defines: MetricsLog (see metrics_log.h)
#include "train/metrics_log.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include "engine/error.h"

namespace grain {

MetricsLog::MetricsLog(const std::filesystem::path& run_dir)
    : jsonl_path_(run_dir / "metrics.jsonl"), jsonl_(jsonl_path_, std::ios::app), tensorboard_(run_dir / "tensorboard") {
  GRAIN_CHECK(jsonl_, "trainer: cannot append to " << jsonl_path_.string());
}

void MetricsLog::write(const std::string& split, int64_t step, int64_t epoch,
                       const std::map<std::string, double>& values) {
  nlohmann::json line{{"split", split}, {"step", step}, {"epoch", epoch}, {"wall_time", formats::wall_time_now()}};
  for (const auto& [k, v] : values) {
    line[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    tensorboard_.add_scalar(split + "/" + k, static_cast<float>(v), step);
  }
  jsonl_ << line.dump() << "\n";
  jsonl_.flush();
  GRAIN_CHECK(jsonl_, "trainer: writing " << jsonl_path_.string() << " failed");
  tensorboard_.flush();
}

}  // namespace grain
