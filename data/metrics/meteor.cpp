// defines: MeteorStats::operator+=, meteor_stats, meteor_score, corpus_meteor
// The aligner follows the reference implementation step by step, including
// two behaviours that change which alignment wins ties and that a cleaner
// design would not have: the per-path match totals are integers (so a stem
// match, weight 0.5, adds nothing to the ranking key), and when a path
// branches on a candidate match the distance is added to the parent path
// (which later branches copy and the "skip" branch keeps), not to the branch.
// Sorting is stable, like Java's Collections.sort, so ties keep insertion order.
#include "data/metrics/meteor.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "data/metrics/english_stemmer.h"
#include "data/metrics/meteor_function_words.h"
#include "data/metrics/meteor_normalize.h"

namespace grain::metrics {
namespace {

// Candidate match between test word `test` and reference word `ref` (one word each).
struct Match {
  int ref = -1;
  int test = -1;
  int module = -1;  // 0 exact, 1 stem
};

// A partial alignment over reference positions 0..idx-1.
struct Path {
  std::vector<Match> matches;  // by reference position; module -1 = none
  std::vector<char> test_used, ref_used;
  int match_count = 0;
  int weighted1 = 0, weighted2 = 0;  // integer sums, as the reference implementation keeps them
  int chunks = 0;
  int idx = 0;
  int last_match_end = -1;
  int distance = 0;

  bool is_used(const Match& m) const { return ref_used[m.ref] || test_used[m.test]; }
  void take(const Match& m, double weight) {
    ++match_count;
    weighted1 = static_cast<int>(weighted1 + 1 * weight);
    weighted2 = static_cast<int>(weighted2 + 1 * weight);
    if (last_match_end != -1 && m.test != last_match_end) ++chunks;
    idx = m.ref + 1;
    last_match_end = m.test + 1;
  }
};

// Ranking of partial alignments: more weighted matches, then fewer chunks, then less distance.
bool path_before(const Path& x, const Path& y) {
  const int mx = x.weighted1 + x.weighted2, my = y.weighted1 + y.weighted2;
  if (mx != my) return mx > my;
  if (x.chunks != y.chunks) return x.chunks < y.chunks;
  return x.distance < y.distance;
}

Path beam_search(const std::vector<std::vector<Match>>& candidates, Path start,
                 const std::array<double, 2>& align_weights, int beam_size) {
  const int ref_len = static_cast<int>(candidates.size());
  std::vector<Path> next{std::move(start)};
  for (int current = 0; current <= ref_len; ++current) {
    std::vector<Path> paths = std::move(next);
    next.clear();
    std::stable_sort(paths.begin(), paths.end(), path_before);
    const int ranks = std::min<int>(beam_size, static_cast<int>(paths.size()));
    for (int rank = 0; rank < ranks; ++rank) {
      Path& path = paths[rank];
      if (current == ref_len) {  // complete: close the last chunk
        if (path.last_match_end != -1) ++path.chunks;
        next.push_back(path);
        continue;
      }
      if (path.ref_used[current]) {
        if (current < path.idx) {
          next.push_back(path);  // inside a match already taken
        } else if (path.matches[path.idx].module != -1) {
          const Match m = path.matches[path.idx];  // a match fixed before the search
          path.take(m, align_weights[m.module]);
          path.distance += std::abs(m.ref - m.test);
          next.push_back(path);
        }
        continue;
      }
      for (const Match& m : candidates[current]) {
        if (path.is_used(m)) continue;
        Path branch = path;
        branch.ref_used[m.ref] = 1;
        branch.test_used[m.test] = 1;
        branch.matches[current] = m;
        branch.take(m, align_weights[m.module]);
        path.distance += std::abs(m.ref - m.test);  // sic: the parent, as the reference does
        next.push_back(std::move(branch));
      }
      // Or leave this reference word unmatched.
      if (path.last_match_end != -1) {
        ++path.chunks;
        path.last_match_end = -1;
      }
      ++path.idx;
      next.push_back(path);
    }
    if (next.empty()) next.push_back(paths.front());
  }
  std::stable_sort(next.begin(), next.end(), path_before);
  return next.front();
}

}  // namespace

MeteorStats& MeteorStats::operator+=(const MeteorStats& o) {
  test_length += o.test_length;
  reference_length += o.reference_length;
  test_function_words += o.test_function_words;
  reference_function_words += o.reference_function_words;
  for (int m = 0; m < 2; ++m) {
    test_content_matches[m] += o.test_content_matches[m];
    test_function_matches[m] += o.test_function_matches[m];
    reference_content_matches[m] += o.reference_content_matches[m];
    reference_function_matches[m] += o.reference_function_matches[m];
  }
  // As the reference's addStats: a pair matched completely in one chunk adds
  // no chunk, so perfect captions do not dilute the corpus fragmentation.
  const bool whole = o.test_matches == o.test_length && o.reference_matches == o.reference_length && o.chunks == 1;
  if (!whole) chunks += o.chunks;
  test_matches += o.test_matches;
  reference_matches += o.reference_matches;
  return *this;
}

MeteorStats meteor_stats(const Tokens& hypothesis, const Tokens& reference, const MeteorParams& params) {
  // The toolkit runs the jar with -norm; its effect on our tokens is repeated here.
  const Tokens test = meteor_normalize(hypothesis), ref = meteor_normalize(reference);
  const int tn = static_cast<int>(test.size()), rn = static_cast<int>(ref.size());

  // Candidate matches per reference position: exact first, then stem for
  // words that differ but share a stem. Identical sentences use exact only.
  std::vector<std::vector<Match>> candidates(rn);
  std::vector<int> test_cover(tn, 0), ref_cover(rn, 0);
  for (int j = 0; j < rn; ++j)
    for (int i = 0; i < tn; ++i)
      if (test[i] == ref[j]) {
        candidates[j].push_back({j, i, 0});
        ++test_cover[i];
        ++ref_cover[j];
      }
  if (test != ref) {
    std::vector<std::string> test_stem(tn), ref_stem(rn);
    for (int i = 0; i < tn; ++i) test_stem[i] = english_stem(test[i]);
    for (int j = 0; j < rn; ++j) ref_stem[j] = english_stem(ref[j]);
    for (int j = 0; j < rn; ++j)
      for (int i = 0; i < tn; ++i)
        if (test_stem[i] == ref_stem[j] && test[i] != ref[j]) {
          candidates[j].push_back({j, i, 1});
          ++test_cover[i];
          ++ref_cover[j];
        }
  }

  // Matches that are the only candidate of both their words are certain.
  Path start;
  start.matches.assign(rn, Match{});
  start.test_used.assign(tn, 0);
  start.ref_used.assign(rn, 0);
  for (int j = 0; j < rn; ++j) {
    if (candidates[j].size() != 1) continue;
    const Match& m = candidates[j][0];
    if (ref_cover[j] == 1 && test_cover[m.test] == 1) {
      start.matches[j] = m;
      start.ref_used[j] = 1;
      start.test_used[m.test] = 1;
    }
  }

  // The aligner ranks with weights 1.0 / 0.5, whatever the scoring weights.
  const Path best = beam_search(candidates, std::move(start), {1.0, 0.5}, params.beam_size);

  MeteorStats s;
  s.test_length = tn;
  s.reference_length = rn;
  std::vector<char> test_function(tn), ref_function(rn);
  for (int i = 0; i < tn; ++i) s.test_function_words += test_function[i] = is_meteor_function_word(test[i]);
  for (int j = 0; j < rn; ++j) s.reference_function_words += ref_function[j] = is_meteor_function_word(ref[j]);

  int last_match_end = -1;
  for (int j = 0; j < rn; ++j) {
    const Match& m = best.matches[j];
    if (m.module == -1) {
      if (last_match_end != -1) ++s.chunks;
      last_match_end = -1;
      continue;
    }
    (test_function[m.test] ? s.test_function_matches : s.test_content_matches)[m.module]++;
    (ref_function[j] ? s.reference_function_matches : s.reference_content_matches)[m.module]++;
    ++s.test_matches;
    ++s.reference_matches;
    if (last_match_end != -1 && m.test != last_match_end) ++s.chunks;
    last_match_end = m.test + 1;
  }
  if (last_match_end != -1) ++s.chunks;
  return s;
}

double meteor_score(const MeteorStats& s, const MeteorParams& p) {
  const double delta = p.delta;
  const double test_weighted_length =
      delta * static_cast<double>(s.test_length - s.test_function_words) +
      (1.0 - delta) * static_cast<double>(s.test_function_words);
  const double ref_weighted_length =
      delta * static_cast<double>(s.reference_length - s.reference_function_words) +
      (1.0 - delta) * static_cast<double>(s.reference_function_words);
  // Same order of additions as the reference: content of every module, then function words.
  double test_weighted = 0.0, ref_weighted = 0.0;
  for (int m = 0; m < 2; ++m) test_weighted += static_cast<double>(s.test_content_matches[m]) * p.module_weights[m] * delta;
  for (int m = 0; m < 2; ++m) ref_weighted += static_cast<double>(s.reference_content_matches[m]) * p.module_weights[m] * delta;
  for (int m = 0; m < 2; ++m)
    test_weighted += static_cast<double>(s.test_function_matches[m]) * p.module_weights[m] * (1.0 - delta);
  for (int m = 0; m < 2; ++m)
    ref_weighted += static_cast<double>(s.reference_function_matches[m]) * p.module_weights[m] * (1.0 - delta);

  const double precision = test_weighted / test_weighted_length;
  const double recall = ref_weighted / ref_weighted_length;
  const double fmean = 1.0 / (((1.0 - p.alpha) / precision) + (p.alpha / recall));
  double frag;
  if (s.test_matches == s.test_length && s.reference_matches == s.reference_length && s.chunks == 1)
    frag = 0.0;  // the sentences are the same: no fragmentation
  else
    frag = static_cast<double>(s.chunks) / (static_cast<double>(s.test_matches + s.reference_matches) / 2);
  const double penalty = p.gamma * std::pow(frag, p.beta);
  const double score = fmean * (1.0 - penalty);
  if (std::isnan(score)) return 0.0;  // no words or no matches: 0/0 somewhere above
  return std::max(score, 0.0);
}

MeteorResult corpus_meteor(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references,
                           const MeteorParams& params) {
  if (hypotheses.size() != references.size())
    throw std::invalid_argument("corpus_meteor: " + std::to_string(hypotheses.size()) +
                                " hypotheses but " + std::to_string(references.size()) +
                                " references");
  MeteorResult result;
  MeteorStats total;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const MeteorStats s = meteor_stats(hypotheses[i], references[i], params);
    result.per_caption.push_back(meteor_score(s, params));
    total += s;
  }
  result.score = meteor_score(total, params);
  return result;
}

}  // namespace grain::metrics
