// Template text rules (see template_text.h).
#include "data/ssv2/template_text.h"

#include <cctype>

namespace grain::data {

std::string template_key(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (char c : t)
    if (c != '[' && c != ']') out.push_back(c);
  return out;
}

int count_placeholders(std::string_view t) {
  int count = 0;
  size_t pos = 0;
  while ((pos = t.find('[', pos)) != std::string_view::npos) {
    const size_t close = t.find(']', pos + 1);
    if (close == std::string_view::npos) break;
    ++count;
    pos = close + 1;
  }
  return count;
}

std::string last_word(std::string_view p) {
  size_t end = p.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(p[end - 1]))) --end;
  size_t begin = end;
  while (begin > 0 && !std::isspace(static_cast<unsigned char>(p[begin - 1]))) --begin;
  return std::string(p.substr(begin, end - begin));
}

std::string simplified_caption(std::string_view t, const std::vector<std::string>& placeholders) {
  std::string out;
  size_t pos = 0, slot = 0;
  for (;;) {
    const size_t open = t.find('[', pos);
    const size_t close = open == std::string_view::npos ? open : t.find(']', open + 1);
    if (close == std::string_view::npos) {
      out.append(t.substr(pos));
      break;
    }
    out.append(t.substr(pos, open - pos));
    if (slot < placeholders.size()) out.append(last_word(placeholders[slot]));
    ++slot;
    pos = close + 1;
  }
  return to_lower_ascii(out);
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace grain::data
