// The Snowball English ("Porter2") stemmer, the one METEOR 1.5's "stem"
// module uses for English (org.tartarus.snowball.ext.englishStemmer inside
// meteor-1.5.jar). Written from the published algorithm
// (snowballstem.org/algorithms/english/stemmer.html, the 2015 revision: R1
// exceptions gener/commun/arsen only). tests/metrics checks it against the
// jar's own output on every word of the fixtures.
#pragma once

#include <string>
#include <string_view>

namespace grain::metrics {

// Stem of a lower-case ASCII word ("pushing" -> "push", "cups" -> "cup",
// "generously" -> "generous"). Words of one or two letters are returned as they are.
std::string english_stem(std::string_view word);

}  // namespace grain::metrics
