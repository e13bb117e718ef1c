// Dataset index and SSv2 label files; see label_files.h.
#include "label_files.h"

#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "random.h"

namespace grain::data::synth {

int class_for(uint64_t seed, int split_code, int64_t local_index, int classes) {
  const int64_t block = local_index / classes;
  std::vector<int> order(static_cast<size_t>(classes));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(kernels::synth_stream_seed(seed, static_cast<uint64_t>(block),
                                     kernels::kSynthClassOrderPurpose + static_cast<uint64_t>(split_code)));
  rng.shuffle(order);
  return order[static_cast<size_t>(local_index % classes)];
}

std::vector<VideoEntry> plan_entries(const DatasetKind& kind, uint64_t seed, const SplitSizes& splits) {
  const int classes = static_cast<int>(kind.classes().size());
  // The probe split comes last, so adding one leaves every other video as it was.
  const std::pair<const char*, int64_t> parts[] = {
      {"train", splits.train}, {"validation", splits.validation}, {"test", splits.test}, {"probe", splits.probe}};
  std::vector<VideoEntry> entries;
  uint64_t index = 1;
  for (int code = 0; code < 4; ++code)
    for (int64_t i = 0; i < parts[code].second; ++i, ++index) {
      VideoEntry e;
      e.id = std::to_string(index);
      e.split = parts[code].first;
      e.index = index;
      e.label = kind.label(seed, index, class_for(seed, code, i, classes));
      entries.push_back(std::move(e));
    }
  return entries;
}

std::string labels_json(const DatasetKind& kind) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  int i = 0;
  for (const ClassInfo& c : kind.classes()) j[category_name(c.template_text)] = std::to_string(i++);
  return j.dump(1) + "\n";
}

std::string groups_json(const DatasetKind& kind) {
  std::map<std::string, std::vector<std::string>> groups;  // sorted by group name
  for (const ClassInfo& c : kind.classes()) groups[c.group].push_back(category_name(c.template_text));
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [g, members] : groups) j[g] = members;
  return j.dump(1) + "\n";
}

std::string split_json(const std::vector<VideoEntry>& entries, const std::string& split) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const VideoEntry& e : entries) {
    if (e.split != split) continue;
    nlohmann::ordered_json o;
    o["id"] = e.id;
    if (split != "test") {
      o["label"] = e.label.caption;
      o["template"] = e.label.template_text;
      o["placeholders"] = e.label.placeholders;
    }
    j.push_back(std::move(o));
  }
  return j.dump() + "\n";
}

std::string attributes_json(const std::vector<VideoEntry>& entries) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const VideoEntry& e : entries) {
    if (e.label.attributes.empty()) continue;
    nlohmann::ordered_json objects = nlohmann::ordered_json::array();
    for (const ObjectAttributes& a : e.label.attributes) {
      nlohmann::ordered_json o = nlohmann::ordered_json::object();
      for (const auto& [name, value] : a) o[name] = value;
      objects.push_back(std::move(o));
    }
    j[e.id] = std::move(objects);
  }
  return j.dump() + "\n";
}

bool has_attributes(const std::vector<VideoEntry>& entries) {
  for (const VideoEntry& e : entries)
    if (!e.label.attributes.empty()) return true;
  return false;
}

}  // namespace grain::data::synth
