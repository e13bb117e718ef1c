// defines: grain::data::edit_distance, nearest_name — the "did you mean" of
// config keys (train/config_schema.cpp) and command-line flags (cli/).
//
// One distance for both, so a misspelt key and a misspelt flag get the same
// kind of hint: the Levenshtein distance (insertions, deletions and
// substitutions of single bytes, each costing 1).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace grain::data {

// Levenshtein distance between a and b (bytes).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `text`, when its distance is at most
// `max_distance`; "" when none is that close. Ties go to the earlier
// candidate.
std::string nearest_name(std::string_view text, const std::vector<std::string>& candidates, size_t max_distance);

}  // namespace grain::data
