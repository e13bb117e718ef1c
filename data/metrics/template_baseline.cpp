// defines: TemplateBaseline, template_baseline, fill_template (see template_baseline.h)
#include "data/metrics/template_baseline.h"

#include <stdexcept>

#include "data/ssv2/template_text.h"

namespace grain::metrics {

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
  return data::to_lower_ascii(out);
}

TemplateBaseline::TemplateBaseline(data::CaptionView captions) : captions_(captions) {
  if (captions == data::CaptionView::kNone)
    throw std::invalid_argument("template baseline: a caption view (full or simplified) is needed");
}

void TemplateBaseline::add_training_example(int category, std::string_view template_text,
                                            const std::vector<std::string>& placeholders) {
  Category& c = categories_[category];
  if (c.template_text.empty()) {
    c.template_text = std::string(template_text);
    c.slot_counts.resize(static_cast<size_t>(data::count_placeholders(template_text)));
  }
  if (placeholders.size() != c.slot_counts.size()) return;
  for (size_t i = 0; i < placeholders.size(); ++i) {
    const std::string& p = placeholders[i];
    ++c.slot_counts[i][data::to_lower_ascii(captions_ == data::CaptionView::kSimplified ? data::last_word(p) : p)];
  }
}

std::string TemplateBaseline::caption(int category, std::string_view fallback_template) const {
  const auto it = categories_.find(category);
  if (it == categories_.end()) return fill_template(fallback_template, {});
  std::vector<std::string> fills;
  for (const auto& counts : it->second.slot_counts) {
    // std::map iterates in byte order, so the first maximum wins ties.
    const std::string* best = nullptr;
    int best_count = 0;
    for (const auto& [text, count] : counts)
      if (count > best_count) {
        best = &text;
        best_count = count;
      }
    fills.push_back(best ? *best : std::string("something"));
  }
  return fill_template(it->second.template_text, fills);
}

TemplateBaseline template_baseline(data::CaptionView captions, const std::vector<data::VideoLabel>& training_videos) {
  TemplateBaseline baseline(captions);
  for (const data::VideoLabel& v : training_videos)
    baseline.add_training_example(v.category, v.template_name, v.placeholders);
  return baseline;
}

}  // namespace grain::metrics
