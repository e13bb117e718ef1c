// defines: TemplateBaseline, fill_template, template_slot_count
#include "data/metrics/template_baseline.h"

#include <cctype>

namespace grain::metrics {

int template_slot_count(std::string_view t) {
  int n = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '[') continue;
    const size_t close = t.find(']', i);
    if (close == std::string_view::npos) break;
    ++n;
    i = close;
  }
  return n;
}

std::string fill_template(std::string_view t, const std::vector<std::string>& fills) {
  std::string out;
  size_t slot = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const size_t close = t[i] == '[' ? t.find(']', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += t[i];
      continue;
    }
    out += slot < fills.size() ? fills[slot] : std::string("something");
    ++slot;
    i = close;
  }
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void TemplateBaseline::add_training_example(int category, std::string_view template_text,
                                            const std::vector<std::string>& placeholders) {
  Category& c = categories_[category];
  if (c.template_text.empty()) {
    c.template_text = std::string(template_text);
    c.slot_counts.resize(static_cast<size_t>(template_slot_count(template_text)));
  }
  if (placeholders.size() != c.slot_counts.size()) return;
  for (size_t i = 0; i < placeholders.size(); ++i) ++c.slot_counts[i][placeholders[i]];
}

std::optional<TemplateBaseline::Fills> TemplateBaseline::fills(int category) const {
  auto it = categories_.find(category);
  if (it == categories_.end()) return std::nullopt;
  Fills f{it->second.template_text, {}};
  for (const auto& counts : it->second.slot_counts) {
    // std::map iterates in lexicographic order, so the first maximum wins ties.
    const std::string* best = nullptr;
    int best_count = 0;
    for (const auto& [text, count] : counts)
      if (count > best_count) {
        best = &text;
        best_count = count;
      }
    f.placeholders.push_back(best ? *best : std::string("something"));
  }
  return f;
}

std::string TemplateBaseline::caption(int category, std::string_view fallback_template) const {
  const std::optional<Fills> f = fills(category);
  return f ? fill_template(f->template_text, f->placeholders) : fill_template(fallback_template, {});
}

}  // namespace grain::metrics
