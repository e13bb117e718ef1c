// defines: exact_match_percent
#include "data/metrics/exact_match.h"

#include <stdexcept>
#include <string>

namespace grain::metrics {

double exact_match_percent(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references) {
  if (hypotheses.size() != references.size())
    throw std::invalid_argument("exact_match_percent: " + std::to_string(hypotheses.size()) +
                                " hypotheses but " + std::to_string(references.size()) + " references");
  if (hypotheses.empty()) return 0.0;
  size_t equal = 0;
  for (size_t i = 0; i < hypotheses.size(); ++i) equal += hypotheses[i] == references[i];
  return 100.0 * static_cast<double>(equal) / static_cast<double>(hypotheses.size());
}

}  // namespace grain::metrics
