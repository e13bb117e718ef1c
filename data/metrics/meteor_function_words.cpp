// defines: is_meteor_function_word
// The list is data, copied from the reference implementation's English file
// (UTF-8; the curly quotes and the em dash are spelled as bytes).
#include "data/metrics/meteor_function_words.h"

#include <algorithm>
#include <array>

namespace grain::metrics {
namespace {

constexpr std::array<std::string_view, 93> kFunctionWords = {
    "the", ",", ".", "to", "of", "and", "a", "in", "that", "for", "\"", "is", "on", "'s", "it",
    "with", "was", "as", "said", "at", "he", "by", "be", "from", "have", "has", "are", "his",
    "but", "an", "this", "not", "i", "will", "\xe2\x80\x99", "they", ")", "-rrb-", "(", "-lrb-",
    "who", "their", "had", "we", "which", "were", "been", "more", "or", "s", "its", "would",
    "about", "new", "one", "after", "you", ":", "also", "up", "when", "there", "than", "$", "all",
    "out", "her", "people", "she", "year", "two", "-", "can", "if", "last", "first",
    "\xe2\x80\x9c", "over", "other", "\xe2\x80\x9d", "into", "some", "what", "so", "--", "no",
    "time", "years", "could", "?", "'t", "\xe2\x80\x94", "'",
};

}  // namespace

bool is_meteor_function_word(std::string_view token) {
  return std::find(kFunctionWords.begin(), kFunctionWords.end(), token) != kFunctionWords.end();
}

}  // namespace grain::metrics
