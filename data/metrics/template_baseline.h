// defines: grain::metrics::TemplateBaseline, template_baseline, fill_template
//
// The template baseline of the paper's supplement, the one definition the
// trainer (train/evaluation.cpp), `evaluate` and the reproduction share:
// caption a video with the template of its predicted category, each slot
// filled with the most frequent training object of that category, counted
// in the task's own objects, the form they take in the references
// (docs/spec/metrics.md says why):
//   - full captions (fg_captions): the placeholder strings, lower-cased
//     (the captions are), so "Pen" and "pen" count as one;
//   - simplified captions (so_captions): each placeholder first reduced to
//     its last word, the reduction of the simplified references
//     (data/ssv2/template_text.h: last_word), lower-cased, then counted, so
//     the fill is the most frequent simplified object ("cup" when "red cup"
//     and "blue cup" together outnumber "pen"), not the last word of the
//     most frequent full phrase.
// "Most frequent" is counted per slot (slot 1 of "Putting [something] on
// [something]" and slot 2 separately, so the baseline says "putting pen on
// table" rather than "putting table on table"); ties go to the
// lexicographically smaller string (byte order) so the baseline is
// deterministic. A training video whose placeholder count differs from its
// template's slot count adds no counts. A category never seen in training
// keeps "something" in its slots. Which category each video gets (the
// classifier whose predictions are filled in) is the caller's input.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "data/ssv2/annotations.h"
#include "data/ssv2/label_view.h"

namespace grain::metrics {

class TemplateBaseline {
 public:
  // `captions`: kFull or kSimplified (kNone is an error).
  explicit TemplateBaseline(data::CaptionView captions);

  // Counts one training video: its category index, template text with
  // "[...]" slots, and its placeholder strings as written (reduced here).
  void add_training_example(int category, std::string_view template_text,
                            const std::vector<std::string>& placeholders);

  // The baseline caption (lower-case) for a category; `fallback_template`
  // (e.g. the labels.json name) is used when the category was never seen.
  std::string caption(int category, std::string_view fallback_template = "") const;

  data::CaptionView captions() const { return captions_; }

 private:
  struct Category {
    std::string template_text;
    std::vector<std::map<std::string, int>> slot_counts;  // per slot: object -> count
  };
  data::CaptionView captions_;
  std::map<int, Category> categories_;
};

// The baseline counted over a training split's videos.
TemplateBaseline template_baseline(data::CaptionView captions, const std::vector<data::VideoLabel>& training_videos);

// Replaces the i-th "[...]" slot of a template by fills[i] ("something" when
// fills is shorter) and lower-cases the result (ASCII, as the references).
std::string fill_template(std::string_view template_text, const std::vector<std::string>& fills);

}  // namespace grain::metrics
