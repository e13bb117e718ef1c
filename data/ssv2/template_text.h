// Text rules of SSv2 templates: "Holding [something] next to [something]".
// Design: one place for the bracket rules so the class key, the placeholder
// count and the simplified caption cannot disagree. A placeholder slot is any
// "[...]" segment (the release has "[something]", "[Something]", "[part]", ...).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grain::data {

// The labels.json key of a template: the template with '[' and ']' removed.
std::string template_key(std::string_view template_text);

// Number of "[...]" slots in a template.
int count_placeholders(std::string_view template_text);

// The last whitespace-separated word of a placeholder ("a blue plastic cap" -> "cap");
// empty when the placeholder is blank.
std::string last_word(std::string_view placeholder);

// The simplified-object caption: slot i replaced by last_word(placeholders[i]), then
// lower-cased. Requires placeholders.size() == count_placeholders(template_text).
std::string simplified_caption(std::string_view template_text, const std::vector<std::string>& placeholders);

// ASCII lower-case (captions are English; bytes >= 0x80 are left as they are).
std::string to_lower_ascii(std::string_view text);

}  // namespace grain::data
