// defines: tokenize, join_tokens, split_spaces
#include "data/metrics/tokenize.h"

#include <array>
#include <cctype>

namespace grain::metrics {
namespace {

// Characters PTB separates from the start or end of a word. The apostrophe is
// handled with the clitics so that "'s" survives.
bool is_edge_punct(char c) {
  switch (c) {
    case '.': case ',': case '!': case '?': case ';': case ':': case '"':
    case '(': case ')': case '[': case ']': case '{': case '}': case '`':
    case '\'': case '-':
      return true;
    default:
      return false;
  }
}

// A token made only of these is punctuation and dropped (the toolkit's list:
// '' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ; and brackets).
bool is_punct_token(std::string_view t) {
  if (t.empty()) return true;
  for (char c : t)
    if (!is_edge_punct(c)) return false;
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void push_word(std::string_view word, Tokens& out) {
  // Clitics, longest first; the stem must stay non-empty ("'s" alone is kept).
  static constexpr std::array<std::string_view, 7> kClitics = {"n't", "'ll", "'re", "'ve",
                                                               "'s", "'d", "'m"};
  for (std::string_view clitic : kClitics) {
    if (word.size() > clitic.size() && ends_with(word, clitic)) {
      std::string_view stem = word.substr(0, word.size() - clitic.size());
      if (!is_punct_token(stem)) out.emplace_back(stem);
      out.emplace_back(clitic);
      return;
    }
  }
  if (word == "cannot") {  // PTB: "cannot" -> "can not"
    out.emplace_back("can");
    out.emplace_back("not");
    return;
  }
  if (!is_punct_token(word)) out.emplace_back(word);
}

}  // namespace

Tokens tokenize(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Tokens out;
  for (const std::string& chunk : split_spaces(lower)) {
    std::string_view w = chunk;
    // Peel punctuation off both ends; what is peeled is punctuation, so dropped.
    while (!w.empty() && is_edge_punct(w.front())) w.remove_prefix(1);
    // A clitic is safe here: "dog's" ends in 's', so only "dogs'" loses its apostrophe.
    while (!w.empty() && is_edge_punct(w.back())) w.remove_suffix(1);
    if (!w.empty()) push_word(w, out);
  }
  return out;
}

std::string join_tokens(const Tokens& tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i) out += ' ';
    out += tokens[i];
  }
  return out;
}

Tokens split_spaces(std::string_view text) {
  Tokens out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace grain::metrics
