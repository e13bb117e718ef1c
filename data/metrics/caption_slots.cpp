// defines: the caption slots (see caption_slots.h)
#include "data/metrics/caption_slots.h"

#include <algorithm>
#include <stdexcept>

namespace grain::metrics {

SlotTemplate parse_slot_template(std::string_view template_text) {
  SlotTemplate t;
  std::string current;
  for (size_t i = 0; i < template_text.size(); ++i) {
    if (template_text[i] == '[') {
      const size_t close = template_text.find(']', i);
      if (close == std::string_view::npos)
        throw std::invalid_argument("template '" + std::string(template_text) + "': '[' without ']'");
      t.fixed.push_back(tokenize(current));
      current.clear();
      i = close;
    } else {
      current += template_text[i];
    }
  }
  t.fixed.push_back(tokenize(current));
  return t;
}

namespace {

bool matches_at(const Tokens& caption, size_t at, const Tokens& words) {
  if (at + words.size() > caption.size()) return false;
  return std::equal(words.begin(), words.end(), caption.begin() + static_cast<std::ptrdiff_t>(at));
}

// Slots from slot `i` on, the caption read from `at` (just after fixed[i]).
bool fill_from(const SlotTemplate& t, const Tokens& caption, size_t i, size_t at, std::vector<Tokens>& slots) {
  const Tokens& next = t.fixed[i + 1];
  const bool last = i + 1 == t.slots();
  for (size_t end = at + 1; end <= caption.size(); ++end) {  // the slot is caption[at, end): at least one word
    if (last) {
      if (end + next.size() != caption.size() || !matches_at(caption, end, next)) continue;
    } else if (!matches_at(caption, end, next)) {
      continue;
    }
    slots[i].assign(caption.begin() + static_cast<std::ptrdiff_t>(at), caption.begin() + static_cast<std::ptrdiff_t>(end));
    if (last || fill_from(t, caption, i + 1, end + next.size(), slots)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<Tokens>> fill_slots(const SlotTemplate& t, const Tokens& caption) {
  if (!matches_at(caption, 0, t.fixed[0])) return std::nullopt;
  if (t.slots() == 0) {
    if (caption.size() != t.fixed[0].size()) return std::nullopt;
    return std::vector<Tokens>{};
  }
  std::vector<Tokens> slots(t.slots());
  if (!fill_from(t, caption, 0, t.fixed[0].size(), slots)) return std::nullopt;
  return slots;
}

bool slot_names_attribute(const Tokens& slot, const AttributeWords& attribute, const std::string& value) {
  if (slot.empty()) return false;
  if (attribute.head_noun) return slot.back() == value;
  bool has_value = false, has_other = false;
  for (const std::string& word : slot)
    for (const std::string& v : attribute.values)
      if (word == v) (v == value ? has_value : has_other) = true;
  if (!attribute.unspoken.empty() && value == attribute.unspoken) return !has_value && !has_other;
  return has_value && !has_other;
}

CaptionSlotShares caption_slot_shares(
    const std::vector<std::string>& captions, const std::vector<std::string>& own_templates,
    const std::vector<std::vector<std::pair<std::string, std::string>>>& slot_attributes,
    const std::vector<std::string>& all_templates, const std::vector<AttributeWords>& attributes, size_t slot) {
  if (captions.size() != own_templates.size() || captions.size() != slot_attributes.size())
    throw std::invalid_argument("caption slots: " + std::to_string(captions.size()) + " captions, " +
                                std::to_string(own_templates.size()) + " templates and " +
                                std::to_string(slot_attributes.size()) + " attribute lists");
  std::vector<SlotTemplate> parsed;
  for (const std::string& t : all_templates) parsed.push_back(parse_slot_template(t));
  CaptionSlotShares out;
  int64_t lined_up = 0;
  std::map<std::string, int64_t> right;
  for (const AttributeWords& a : attributes) right[a.name] = 0;
  for (size_t i = 0; i < captions.size(); ++i) {
    if (slot_attributes[i].empty()) continue;
    ++out.captions;
    const Tokens caption = tokenize(captions[i]);
    std::optional<std::vector<Tokens>> slots = fill_slots(parse_slot_template(own_templates[i]), caption);
    for (size_t t = 0; !(slots && slots->size() > slot) && t < parsed.size(); ++t) slots = fill_slots(parsed[t], caption);
    if (!slots || slots->size() <= slot) continue;
    ++lined_up;
    for (const AttributeWords& a : attributes)
      for (const auto& [name, value] : slot_attributes[i])
        if (name == a.name && slot_names_attribute((*slots)[slot], a, value)) ++right[a.name];
  }
  const double n = std::max<double>(1, static_cast<double>(out.captions));
  out.lined_up = 100.0 * static_cast<double>(lined_up) / n;
  for (const auto& [name, count] : right) out.right[name] = 100.0 * static_cast<double>(count) / n;
  return out;
}

}  // namespace grain::metrics
