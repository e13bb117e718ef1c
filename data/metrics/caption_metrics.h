// All caption metrics of a corpus at once, from raw caption text: the
// numbers of the paper's tables 2 and 4 plus CIDEr-D and token accuracy.
// Every caption goes through tokenize() first.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace grain::metrics {

struct CaptionScores {
  std::array<double, 4> bleu{};  // BLEU-1..4 in [0, 1]
  double rouge_l = 0.0;          // [0, 1]
  double meteor = 0.0;           // [0, 1], exact + stem modules only
  double cider_d = 0.0;          // [0, 10]
  double exact_match = 0.0;      // percent
  double token_accuracy = 0.0;   // percent
  size_t count = 0;              // number of (hypothesis, reference) pairs
};

CaptionScores score_captions(const std::vector<std::string>& hypotheses, const std::vector<std::string>& references);

}  // namespace grain::metrics
