// defines: prediction_spread (see prediction_spread.h)
#include "data/metrics/prediction_spread.h"

#include <map>
#include <set>
#include <stdexcept>

namespace grain::metrics {

PredictionSpread prediction_spread(const std::vector<std::string>& predictions,
                                   const std::vector<std::string>& references) {
  if (predictions.size() != references.size())
    throw std::invalid_argument("prediction_spread: " + std::to_string(predictions.size()) + " predictions but " +
                                std::to_string(references.size()) + " references");
  PredictionSpread s;
  s.videos = static_cast<int64_t>(predictions.size());
  std::map<std::string, int64_t> counts;
  for (const std::string& p : predictions) ++counts[p];
  const std::set<std::string> distinct_references(references.begin(), references.end());
  s.distinct_predictions = static_cast<int64_t>(counts.size());
  s.distinct_references = static_cast<int64_t>(distinct_references.size());
  s.distinct_share = s.distinct_references > 0
                         ? static_cast<double>(s.distinct_predictions) / static_cast<double>(s.distinct_references)
                         : 0.0;
  for (const auto& [text, count] : counts)  // map order: the first maximum is the smaller string
    if (count > s.most_common_count) s.most_common = text, s.most_common_count = count;
  for (const std::string& r : references) s.most_common_references += s.most_common_count > 0 && r == s.most_common;
  return s;
}

PredictionSpread prediction_spread(const std::vector<int>& predictions, const std::vector<int>& references) {
  auto as_text = [](const std::vector<int>& v) {
    std::vector<std::string> text;
    text.reserve(v.size());
    for (int x : v) text.push_back(std::to_string(x));
    return text;
  };
  return prediction_spread(as_text(predictions), as_text(references));
}

}  // namespace grain::metrics
