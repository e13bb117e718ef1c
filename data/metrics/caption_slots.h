// defines: grain::metrics::SlotTemplate, parse_slot_template, fill_slots,
//          AttributeWords, slot_names_attribute, CaptionSlotShares, caption_slot_shares
//
// Caption slots: whether a generated caption names the acted-on object's
// attributes right, apart from whether it names the action. A caption is
// lined up with a template (its fixed words in order, each [something] slot
// taking one or more words between them); the words of slot i are what the
// caption says of placeholder i (A is slot 0, B slot 1). The video's own
// template is tried first, then every other template of the label set, so a
// caption that gets the action wrong but names the object right still
// counts for the object: this measures object knowledge, which the category
// alone cannot give. A caption that lines up with no template names nothing.
//
// An attribute is named right when (for the head noun, the shape) the slot's
// last word is its value, or (any other attribute) the slot holds its value's
// word and no other value of that attribute; an unspoken value (a plain
// pattern, which the phrase omits) is right when the slot holds no value of
// the attribute at all.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data/metrics/tokenize.h"

namespace grain::metrics {

// A template's fixed word runs around its slots: fixed.size() == slots + 1.
struct SlotTemplate {
  std::vector<Tokens> fixed;
  size_t slots() const { return fixed.size() - 1; }
};
// "Putting [something] next to [something]" -> {{"putting"}, {"next", "to"}, {}}
// (any [...] is a slot; words tokenised as the caption metrics do).
SlotTemplate parse_slot_template(std::string_view template_text);

// The words of each slot of `caption` under the template (each slot at least
// one word; the leftmost, shortest filling), or nothing when they do not line up.
std::optional<std::vector<Tokens>> fill_slots(const SlotTemplate& t, const Tokens& caption);

// The words an attribute can take in a phrase.
struct AttributeWords {
  std::string name;                 // "shape", "colour", "size", "pattern"
  std::vector<std::string> values;  // every value's word
  bool head_noun = false;           // named by the slot's last word (the shape)
  std::string unspoken;             // a value the phrase leaves out ("plain"), or ""
};

// Whether `slot` names `value` of the attribute right (see the file comment).
bool slot_names_attribute(const Tokens& slot, const AttributeWords& attribute, const std::string& value);

struct CaptionSlotShares {
  int64_t captions = 0;
  double lined_up = 0;                      // percent of captions that line up with some template
  std::map<std::string, double> right;      // attribute name -> percent of captions naming it right
};

// Over videos i: captions[i] (generated), own_templates[i] (the video's
// template) and slot_attributes[i] (the attributes of the object in slot
// `slot` of that template, from attributes.json; empty when the template has
// no such slot, and the video is left out): the shares naming each
// attribute right.
CaptionSlotShares caption_slot_shares(
    const std::vector<std::string>& captions, const std::vector<std::string>& own_templates,
    const std::vector<std::vector<std::pair<std::string, std::string>>>& slot_attributes,
    const std::vector<std::string>& all_templates, const std::vector<AttributeWords>& attributes, size_t slot = 0);

}  // namespace grain::metrics
