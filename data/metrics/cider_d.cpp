// defines: corpus_cider_d
#include "data/metrics/cider_d.h"

#include <array>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "data/metrics/ngram_counts.h"

namespace grain::metrics {
namespace {

constexpr int kMaxN = 4;
constexpr double kSigma = 6.0;

// tf-idf vectors of one caption, one map per n-gram order.
struct TfIdf {
  std::array<std::map<std::string, double>, kMaxN> vec;
  std::array<double, kMaxN> norm{};
  int length = 0;  // the toolkit's "length": number of bigrams
};

TfIdf tf_idf(const NgramCounts& counts, const std::map<std::string, double>& df, double log_n) {
  TfIdf t;
  for (const auto& [gram, tf] : counts) {
    auto it = df.find(gram);
    const double log_df = std::log(std::max(1.0, it == df.end() ? 0.0 : it->second));
    const int n = ngram_order(gram) - 1;
    const double w = static_cast<double>(tf) * (log_n - log_df);
    t.vec[n][gram] = w;
    t.norm[n] += w * w;
    if (n == 1) t.length += tf;
  }
  for (double& v : t.norm) v = std::sqrt(v);
  return t;
}

std::array<double, kMaxN> similarity(const TfIdf& hyp, const TfIdf& ref) {
  const double delta = static_cast<double>(hyp.length - ref.length);
  std::array<double, kMaxN> val{};
  for (int n = 0; n < kMaxN; ++n) {
    for (const auto& [gram, w] : hyp.vec[n]) {
      auto it = ref.vec[n].find(gram);
      const double wr = it == ref.vec[n].end() ? 0.0 : it->second;
      val[n] += std::min(w, wr) * wr;  // clipping: a repeated n-gram earns no more than the reference has
    }
    if (hyp.norm[n] != 0.0 && ref.norm[n] != 0.0) val[n] /= hyp.norm[n] * ref.norm[n];
    // The toolkit writes np.e ** x; pow(e, x) keeps its rounding.
    val[n] *= std::pow(M_E, -(delta * delta) / (2 * kSigma * kSigma));
  }
  return val;
}

}  // namespace

CiderResult corpus_cider_d(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references) {
  if (hypotheses.size() != references.size())
    throw std::invalid_argument("corpus_cider_d: " + std::to_string(hypotheses.size()) +
                                " hypotheses but " + std::to_string(references.size()) +
                                " references");
  CiderResult result;
  if (hypotheses.empty()) return result;

  std::vector<NgramCounts> ref_counts, hyp_counts;
  std::map<std::string, double> df;  // number of references containing the n-gram
  for (size_t i = 0; i < references.size(); ++i) {
    ref_counts.push_back(count_ngrams(references[i], kMaxN));
    hyp_counts.push_back(count_ngrams(hypotheses[i], kMaxN));
    for (const auto& entry : ref_counts.back()) df[entry.first] += 1.0;
  }
  const double log_n = std::log(static_cast<double>(references.size()));

  double sum = 0.0;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const TfIdf hyp = tf_idf(hyp_counts[i], df, log_n);
    const TfIdf ref = tf_idf(ref_counts[i], df, log_n);
    const std::array<double, kMaxN> s = similarity(hyp, ref);
    double mean = 0.0;
    for (double v : s) mean += v;
    mean /= kMaxN;
    const double score = mean * 10.0;  // one reference: the toolkit divides by 1
    result.per_caption.push_back(score);
    sum += score;
  }
  result.score = sum / static_cast<double>(hypotheses.size());
  return result;
}

}  // namespace grain::metrics
