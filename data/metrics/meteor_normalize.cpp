// defines: meteor_normalize
#include "data/metrics/meteor_normalize.h"

#include <cctype>
#include <string>
#include <string_view>

namespace grain::metrics {
namespace {

bool is_split_symbol(char c) {
  static constexpr std::string_view kSymbols = "/&_+=*:;!?()[]{}|~^<>#$%@\"";
  return kSymbols.find(c) != std::string_view::npos;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Separates symbols, commas (not between digits) and inner hyphen runs.
std::string space_symbols(const std::string& t) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (is_split_symbol(c) || (c == ',' && !(i > 0 && i + 1 < t.size() && is_digit(t[i - 1]) && is_digit(t[i + 1])))) {
      out += ' ';
      out += c;
      out += ' ';
    } else if (c == '-') {
      size_t j = i;
      while (j < t.size() && t[j] == '-') ++j;
      const bool inner = i > 0 && j < t.size() && t[i - 1] != ' ' && t[j] != ' ';
      if (inner) {
        out += ' ';
      } else {
        out.append(t, i, j - i);
      }
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

void push_with_apostrophe(const std::string& w, Tokens& out) {
  const size_t k = w.find('\'');
  if (k == std::string::npos || w.size() == 1) {
    out.push_back(w);
  } else if (k == 0) {
    out.emplace_back("'");  // "'s" -> "'" "s"
    out.push_back(w.substr(1));
  } else {
    out.push_back(w.substr(0, k));  // "n't" -> "n" "'t", "dog's" -> "dog" "'s"
    out.push_back(w.substr(k));
  }
}

}  // namespace

Tokens meteor_normalize(const Tokens& tokens) {
  Tokens out;
  for (const std::string& t : tokens)
    for (const std::string& piece : split_spaces(space_symbols(t))) push_with_apostrophe(piece, out);
  return out;
}

}  // namespace grain::metrics
