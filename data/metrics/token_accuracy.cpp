// defines: token_accuracy_percent
#include "data/metrics/token_accuracy.h"

#include <stdexcept>
#include <string>

namespace grain::metrics {

double token_accuracy_percent(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references) {
  if (hypotheses.size() != references.size())
    throw std::invalid_argument("token_accuracy_percent: " + std::to_string(hypotheses.size()) +
                                " hypotheses but " + std::to_string(references.size()) + " references");
  size_t correct = 0, total = 0;
  for (size_t i = 0; i < references.size(); ++i) {
    total += references[i].size();
    for (size_t t = 0; t < references[i].size() && t < hypotheses[i].size(); ++t)
      correct += hypotheses[i][t] == references[i][t];
  }
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(correct) / static_cast<double>(total);
}

}  // namespace grain::metrics
