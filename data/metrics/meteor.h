// METEOR 1.5 with the English ranking-task parameters, exact and stem
// modules only, reproducing the reference implementation (meteor-1.5.jar, as
// the coco-caption toolkit runs it: "-l en -norm").
// Design decisions (docs/metrics.md):
// - No synonym (WordNet) and no paraphrase module: the project does not ship
//   those tables. On captions whose words match only exactly or by stem the
//   score equals the toolkit's; elsewhere ours is lower or equal (measured on
//   the fixtures and reported in docs/metrics.md).
// - The alignment is the reference implementation's: all exact and stem
//   candidate matches are listed, one-to-one unambiguous matches are fixed,
//   and a beam search (width 40) over reference positions picks the rest,
//   ranking partial alignments by (more weighted matches, fewer chunks,
//   smaller distance) with the aligner's weights 1.0 (exact) and 0.5 (stem)
//   accumulated in integers, as the jar does.
// - The system score is computed from statistics summed over the corpus
//   (see MeteorStats::operator+=), not as the mean of sentence scores.
// - Tokens come from tokenize(); the jar's -norm pass (which the toolkit
//   turns on) is then repeated by meteor_normalize(): it splits hyphenated
//   words and apostrophes, which changes lengths and function-word counts.
#pragma once

#include <array>
#include <vector>

#include "data/metrics/tokenize.h"

namespace grain::metrics {

// Sufficient statistics of one alignment, or their sum over a corpus.
// Index 0 = exact module, 1 = stem module.
struct MeteorStats {
  long long test_length = 0, reference_length = 0;
  long long test_function_words = 0, reference_function_words = 0;
  std::array<long long, 2> test_content_matches{}, test_function_matches{};
  std::array<long long, 2> reference_content_matches{}, reference_function_matches{};
  long long chunks = 0;
  long long test_matches = 0, reference_matches = 0;  // unweighted matched words

  // Sums the statistics as the reference implementation aggregates a corpus:
  // every field is added, except that the chunk of a pair matched completely
  // in a single chunk is not counted.
  MeteorStats& operator+=(const MeteorStats& other);
};

struct MeteorParams {
  double alpha = 0.85, beta = 0.20, gamma = 0.60, delta = 0.75;
  std::array<double, 2> module_weights = {1.0, 0.6};  // exact, stem
  int beam_size = 40;
};

// Normalises both token lists as the jar does, aligns the hypothesis (test)
// with the reference and counts the statistics.
MeteorStats meteor_stats(const Tokens& hypothesis, const Tokens& reference, const MeteorParams& params = {});

// Score from statistics:
//   P = sum_m w_m (delta c_m^test + (1-delta) f_m^test) / (delta |content test| + (1-delta) |function test|)
//   R = the same over the reference
//   Fmean = 1 / ((1-alpha)/P + alpha/R)
//   frag = chunks / ((matches_test + matches_ref)/2)   (0 for a whole-sentence single chunk)
//   score = max(0, Fmean (1 - gamma frag^beta)); 0 when undefined (no words or no matches).
double meteor_score(const MeteorStats& stats, const MeteorParams& params = {});

struct MeteorResult {
  double score = 0.0;               // system score from the summed statistics
  std::vector<double> per_caption;  // sentence scores
};

MeteorResult corpus_meteor(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references,
                           const MeteorParams& params = {});

}  // namespace grain::metrics
