// Caption tokeniser used before every caption metric (docs/metrics.md).
// Design: the coco-caption toolkit tokenises with the Stanford PTB tokenizer
// (Java) and then drops punctuation tokens. We reproduce what that does to
// caption-like English text without Java: lower-case, split on whitespace,
// split leading/trailing punctuation and the clitics n't 's 're 've 'll 'd 'm
// off each word (as PTB does: "doesn't" -> "does n't", "dog's" -> "dog 's"),
// then drop every token made only of punctuation. Inner punctuation stays
// ("t-shirt", "3.5"). Known difference: PTB turns "(" into "-lrb-", which the
// toolkit then fails to drop (its list has "-LRB-" in upper case); we drop
// brackets like any other punctuation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grain::metrics {

using Tokens = std::vector<std::string>;

// Lower-cased word tokens of a caption, punctuation dropped.
// "Putting a pen, and a cup!" -> {"putting", "a", "pen", "and", "a", "cup"}.
Tokens tokenize(std::string_view text);

// Tokens joined by single spaces (the toolkit's representation of a caption).
std::string join_tokens(const Tokens& tokens);

// Splits on runs of spaces only (for text that is already tokenised).
Tokens split_spaces(std::string_view text);

}  // namespace grain::metrics
