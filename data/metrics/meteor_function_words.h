// The English function-word list of METEOR 1.5 (function/english.words in
// meteor-1.5.jar, 93 entries, in the file's order). Matches of these words
// count with weight 1 - delta, content words with delta.
#pragma once

#include <string_view>

namespace grain::metrics {

// True when the (lower-case) token is on METEOR's English function-word list.
bool is_meteor_function_word(std::string_view token);

}  // namespace grain::metrics
