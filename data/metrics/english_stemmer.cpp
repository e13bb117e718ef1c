// defines: english_stem
// The steps follow the published algorithm one to one; each step finds the
// longest suffix of its list first and then tests that suffix's condition
// (a failed condition does not fall back to a shorter suffix), as Snowball's
// `among` does. 'Y' marks a y that acts as a consonant (prelude) and is not a vowel.
#include "data/metrics/english_stemmer.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

namespace grain::metrics {
namespace {

bool is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

// Longest suffix of `s` among `list` (empty view when none).
std::string_view longest_suffix(const std::string& s, std::initializer_list<std::string_view> list) {
  std::string_view best;
  for (std::string_view suffix : list)
    if (suffix.size() > best.size() && ends_with(s, suffix)) best = suffix;
  return best;
}

void replace_suffix(std::string& s, size_t suffix_len, std::string_view with) {
  s.resize(s.size() - suffix_len);
  s += with;
}

// Index just past the first non-vowel that follows a vowel at or after `from`.
int region_start(const std::string& s, int from) {
  const int n = static_cast<int>(s.size());
  int i = from;
  while (i < n && !is_vowel(s[i])) ++i;
  while (i < n && is_vowel(s[i])) ++i;
  return i < n ? i + 1 : n;
}

// s[0, end) ends with a short syllable: non-vowel (not w, x, Y) after a vowel
// after a non-vowel; or, at the start of the word, a vowel then a non-vowel.
bool ends_short_syllable(const std::string& s, int end) {
  if (end >= 3) {
    const char c = s[end - 1];
    if (!is_vowel(c) && c != 'w' && c != 'x' && c != 'Y' && is_vowel(s[end - 2]) && !is_vowel(s[end - 3]))
      return true;
  }
  return end == 2 && is_vowel(s[0]) && !is_vowel(s[1]);
}

bool has_vowel(const std::string& s, int begin, int end) {
  for (int i = begin; i < end; ++i)
    if (is_vowel(s[i])) return true;
  return false;
}

bool is_double(const std::string& s) {
  if (s.size() < 2) return false;
  const char a = s[s.size() - 1];
  return a == s[s.size() - 2] &&
         (a == 'b' || a == 'd' || a == 'f' || a == 'g' || a == 'm' || a == 'n' || a == 'p' || a == 'r' || a == 't');
}

bool valid_li(char c) {
  return c == 'c' || c == 'd' || c == 'e' || c == 'g' || c == 'h' || c == 'k' || c == 'm' || c == 'n' ||
         c == 'r' || c == 't';
}

const std::string* exception1(const std::string& w) {
  static const std::array<std::pair<std::string, std::string>, 18> kForms = {{
      {"skis", "ski"}, {"skies", "sky"}, {"dying", "die"}, {"lying", "lie"}, {"tying", "tie"},
      {"idly", "idl"}, {"gently", "gentl"}, {"ugly", "ugli"}, {"early", "earli"}, {"only", "onli"},
      {"singly", "singl"}, {"sky", "sky"}, {"news", "news"}, {"howe", "howe"}, {"atlas", "atlas"},
      {"cosmos", "cosmos"}, {"bias", "bias"}, {"andes", "andes"},
  }};
  for (const auto& [form, stem] : kForms)
    if (w == form) return &stem;
  return nullptr;
}

struct Word {
  std::string s;
  int p1 = 0, p2 = 0;
  int size() const { return static_cast<int>(s.size()); }
  // The suffix of length len starts inside R1 / R2.
  bool in_r1(size_t len) const { return size() - static_cast<int>(len) >= p1; }
  bool in_r2(size_t len) const { return size() - static_cast<int>(len) >= p2; }
};

void step_1a(Word& w) {
  if (std::string_view a = longest_suffix(w.s, {"'", "'s", "'s'"}); !a.empty()) replace_suffix(w.s, a.size(), "");
  const std::string_view suffix = longest_suffix(w.s, {"sses", "ied", "ies", "s", "us", "ss"});
  if (suffix == "sses") {
    replace_suffix(w.s, 4, "ss");
  } else if (suffix == "ied" || suffix == "ies") {
    replace_suffix(w.s, 3, w.size() - 3 >= 2 ? "i" : "ie");
  } else if (suffix == "s") {
    // Delete when a vowel occurs before the letter just before the s.
    if (has_vowel(w.s, 0, w.size() - 2)) replace_suffix(w.s, 1, "");
  }
}

bool exception2(const Word& w) {
  for (std::string_view e : {"inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"})
    if (w.s == e) return true;
  return false;
}

void step_1b(Word& w) {
  const std::string_view suffix = longest_suffix(w.s, {"eed", "eedly", "ed", "edly", "ing", "ingly"});
  if (suffix.empty()) return;
  if (suffix == "eed" || suffix == "eedly") {
    if (w.in_r1(suffix.size())) replace_suffix(w.s, suffix.size(), "ee");
    return;
  }
  if (!has_vowel(w.s, 0, w.size() - static_cast<int>(suffix.size()))) return;
  replace_suffix(w.s, suffix.size(), "");
  if (ends_with(w.s, "at") || ends_with(w.s, "bl") || ends_with(w.s, "iz")) {
    w.s += 'e';
  } else if (is_double(w.s)) {
    w.s.pop_back();
  } else if (w.size() == w.p1 && ends_short_syllable(w.s, w.size())) {
    w.s += 'e';  // the word is short: R1 is empty and it ends in a short syllable
  }
}

void step_1c(Word& w) {
  const int n = w.size();
  if (n >= 3 && (w.s[n - 1] == 'y' || w.s[n - 1] == 'Y') && !is_vowel(w.s[n - 2])) w.s[n - 1] = 'i';
}

void step_2(Word& w) {
  const std::string_view suffix = longest_suffix(
      w.s, {"tional", "enci", "anci", "abli", "entli", "izer", "ization", "ational", "ation", "ator", "alism",
            "aliti", "alli", "fulness", "ousli", "ousness", "iveness", "iviti", "biliti", "bli", "ogi", "fulli",
            "lessli", "li"});
  if (suffix.empty() || !w.in_r1(suffix.size())) return;
  const size_t len = suffix.size();
  if (suffix == "tional") replace_suffix(w.s, len, "tion");
  else if (suffix == "enci") replace_suffix(w.s, len, "ence");
  else if (suffix == "anci") replace_suffix(w.s, len, "ance");
  else if (suffix == "abli") replace_suffix(w.s, len, "able");
  else if (suffix == "entli") replace_suffix(w.s, len, "ent");
  else if (suffix == "izer" || suffix == "ization") replace_suffix(w.s, len, "ize");
  else if (suffix == "ational" || suffix == "ation" || suffix == "ator") replace_suffix(w.s, len, "ate");
  else if (suffix == "alism" || suffix == "aliti" || suffix == "alli") replace_suffix(w.s, len, "al");
  else if (suffix == "fulness") replace_suffix(w.s, len, "ful");
  else if (suffix == "ousli" || suffix == "ousness") replace_suffix(w.s, len, "ous");
  else if (suffix == "iveness" || suffix == "iviti") replace_suffix(w.s, len, "ive");
  else if (suffix == "biliti" || suffix == "bli") replace_suffix(w.s, len, "ble");
  else if (suffix == "ogi") {
    if (w.size() > 3 && w.s[w.size() - 4] == 'l') replace_suffix(w.s, len, "og");
  } else if (suffix == "fulli") replace_suffix(w.s, len, "ful");
  else if (suffix == "lessli") replace_suffix(w.s, len, "less");
  else if (suffix == "li") {
    if (w.size() > 2 && valid_li(w.s[w.size() - 3])) replace_suffix(w.s, len, "");
  }
}

void step_3(Word& w) {
  const std::string_view suffix =
      longest_suffix(w.s, {"tional", "ational", "alize", "icate", "iciti", "ical", "ful", "ness", "ative"});
  if (suffix.empty() || !w.in_r1(suffix.size())) return;
  const size_t len = suffix.size();
  if (suffix == "tional") replace_suffix(w.s, len, "tion");
  else if (suffix == "ational") replace_suffix(w.s, len, "ate");
  else if (suffix == "alize") replace_suffix(w.s, len, "al");
  else if (suffix == "icate" || suffix == "iciti" || suffix == "ical") replace_suffix(w.s, len, "ic");
  else if (suffix == "ful" || suffix == "ness") replace_suffix(w.s, len, "");
  else if (suffix == "ative") {
    if (w.in_r2(len)) replace_suffix(w.s, len, "");
  }
}

void step_4(Word& w) {
  const std::string_view suffix =
      longest_suffix(w.s, {"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism",
                           "ate", "iti", "ous", "ive", "ize", "ion"});
  if (suffix.empty() || !w.in_r2(suffix.size())) return;
  if (suffix == "ion") {
    const int before = w.size() - 4;
    if (before >= 0 && (w.s[before] == 's' || w.s[before] == 't')) replace_suffix(w.s, 3, "");
    return;
  }
  replace_suffix(w.s, suffix.size(), "");
}

void step_5(Word& w) {
  if (ends_with(w.s, "e")) {
    if (w.in_r2(1) || (w.in_r1(1) && !ends_short_syllable(w.s, w.size() - 1))) w.s.pop_back();
  } else if (ends_with(w.s, "l")) {
    if (w.in_r2(1) && w.size() >= 2 && w.s[w.size() - 2] == 'l') w.s.pop_back();
  }
}

}  // namespace

std::string english_stem(std::string_view input) {
  std::string word(input);
  if (const std::string* stem = exception1(word)) return *stem;
  if (word.size() <= 2) return word;

  Word w;
  w.s = std::move(word);
  // Prelude: drop an initial apostrophe; mark consonant-y as 'Y'.
  if (!w.s.empty() && w.s[0] == '\'') w.s.erase(0, 1);
  if (!w.s.empty() && w.s[0] == 'y') w.s[0] = 'Y';
  for (size_t i = 1; i < w.s.size(); ++i)
    if (w.s[i] == 'y' && is_vowel(w.s[i - 1])) w.s[i] = 'Y';

  // Regions.
  int p1 = -1;
  for (std::string_view prefix : {"gener", "commun", "arsen"})
    if (w.s.compare(0, prefix.size(), prefix) == 0) p1 = static_cast<int>(prefix.size());
  if (p1 < 0) p1 = region_start(w.s, 0);
  w.p1 = p1;
  w.p2 = p1 < w.size() ? region_start(w.s, p1) : w.size();

  step_1a(w);
  if (!exception2(w)) {
    step_1b(w);
    step_1c(w);
    step_2(w);
    step_3(w);
    step_4(w);
    step_5(w);
  }
  std::replace(w.s.begin(), w.s.end(), 'Y', 'y');
  return w.s;
}

}  // namespace grain::metrics
