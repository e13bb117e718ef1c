// The template baseline of the paper's supplement: caption a video with the
// template of its predicted category, each placeholder replaced by the most
// frequent placeholder string for that category in training.
// Design: "most frequent" is counted per slot (slot 1 of "Putting [something]
// on [something]" and slot 2 are counted separately, so the baseline says
// "putting pen on table" rather than "putting table on table"); ties go to the
// lexicographically smaller string so the baseline is deterministic. A
// category never seen in training keeps "something" in its slots.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grain::metrics {

class TemplateBaseline {
 public:
  // Counts one training video: its category index, template text with
  // "[...]" slots, and its placeholder strings. An entry whose placeholder
  // count differs from the template's slot count only records the template.
  void add_training_example(int category, std::string_view template_text,
                            const std::vector<std::string>& placeholders);

  // The baseline caption (lower-case) for a category; `fallback_template`
  // (e.g. the labels.json name) is used when the category was never seen.
  std::string caption(int category, std::string_view fallback_template = "") const;

  // The category's template and its most frequent placeholder per slot (the
  // fills caption() uses, as written in training, not lower-cased), for a
  // caller that reduces the objects further (simplified captions); nullopt
  // when the category was never seen.
  struct Fills {
    std::string template_text;
    std::vector<std::string> placeholders;
  };
  std::optional<Fills> fills(int category) const;

 private:
  struct Category {
    std::string template_text;
    std::vector<std::map<std::string, int>> slot_counts;  // per slot: placeholder -> count
  };
  std::map<int, Category> categories_;
};

// Replaces the i-th "[...]" slot of a template by fills[i] ("something" when
// fills is shorter) and lower-cases the result.
std::string fill_template(std::string_view template_text, const std::vector<std::string>& fills);

// Number of "[...]" slots in a template.
int template_slot_count(std::string_view template_text);

}  // namespace grain::metrics
