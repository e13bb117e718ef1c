// A small hand-written SSv2 annotation set (3 categories, 2 groups) used by
// several tests, written in the short or the release file names.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace grain::data::testing {

inline const char* kLabelsJson = R"({"Holding something next to something": "1",
  "Pushing something from left to right": "2", "Dropping something": "0"})";
inline const char* kGroupsJson = R"({"moving": ["Pushing something from left to right", "Dropping something"],
  "holding": ["Holding something next to something"]})";
inline const char* kTrainJson = R"([
  {"id": "78687", "label": "holding potato next to vicks vaporub bottle",
   "template": "Holding [something] next to [something]", "placeholders": ["potato", "vicks vaporub bottle"]},
  {"id": "42326", "label": "pushing a blue plastic cap from left to right",
   "template": "Pushing [something] from left to right", "placeholders": ["a blue plastic cap"]},
  {"id": "100", "label": "dropping a pen",
   "template": "Dropping [something]", "placeholders": ["a pen"]}])";
inline const char* kValidationJson = R"([
  {"id": "7", "label": "dropping a ball", "template": "Dropping [something]", "placeholders": ["a ball", "extra"]}])";
inline const char* kTestJson = R"([{"id": "1420"}, {"id": 1421}])";

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

inline void write_ssv2_annotations(const std::filesystem::path& root, bool release_names) {
  std::filesystem::create_directories(root);
  const std::string pre = release_names ? "something-something-v2-" : "";
  write_text(root / (pre + "labels.json"), kLabelsJson);
  write_text(root / (pre + "train.json"), kTrainJson);
  write_text(root / (pre + "validation.json"), kValidationJson);
  write_text(root / (pre + "test.json"), kTestJson);
  write_text(root / "groups.json", kGroupsJson);
}

}  // namespace grain::data::testing
