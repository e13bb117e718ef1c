// SSv2 annotation reader. Parsing uses nlohmann::json; every access checks the
// JSON type first so a malformed file gives "<file> entry <i> (id ...): field
// \"template\" must be a string" rather than a json::type_error.
#include "data/ssv2/annotations.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/common/json_read.h"
#include "data/common/log.h"
#include "data/common/path_inside.h"
#include "data/ssv2/template_text.h"

namespace grain::data {
namespace {

using nlohmann::json;

constexpr std::string_view kSplits[] = {"train", "validation", "test"};

std::string dq(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string entry_where(const std::string& file, size_t i, const std::string& id) {
  return file + " entry " + std::to_string(i) + (id.empty() ? "" : " (id " + dq(id) + ")");
}

// labels.json: {"<template without brackets>": "<index>", ...}
void parse_labels(const std::string& text, const std::string& name, std::vector<std::string>& names,
                  std::map<std::string, int, std::less<>>& index) {
  const json j = parse_json(text, name);
  if (!j.is_object()) throw DataError(name + ": expected a JSON object {\"<template>\": \"<index>\"}");
  if (j.empty()) throw DataError(name + ": no categories");
  const auto n = static_cast<int>(j.size());
  names.assign(static_cast<size_t>(n), std::string());
  for (const auto& [key, value] : j.items()) {
    long long v = -1;
    if (value.is_string()) {
      const std::string s = value.get<std::string>();
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || ptr != s.data() + s.size())
        throw DataError(name + ": category " + dq(key) + ": index " + dq(s) + " is not an integer");
    } else if (value.is_number_integer()) {
      v = value.get<long long>();
    } else {
      throw DataError(name + ": category " + dq(key) + ": index must be a string or an integer");
    }
    if (v < 0 || v >= n)
      throw DataError(name + ": category " + dq(key) + ": index " + std::to_string(v) +
                      " outside [0, " + std::to_string(n) + ")");
    if (!names[static_cast<size_t>(v)].empty())
      throw DataError(name + ": categories " + dq(names[static_cast<size_t>(v)]) + " and " + dq(key) +
                      " share index " + std::to_string(v));
    names[static_cast<size_t>(v)] = key;
    index[key] = static_cast<int>(v);
  }
}

// groups.json: {"<group>": ["<category>", ...], ...}; group indices in alphabetical order.
void parse_groups(const std::string& text, const std::string& name, const std::vector<std::string>& categories,
                  const std::map<std::string, int, std::less<>>& category_index,
                  std::vector<std::string>& group_names, std::vector<int>& category_groups) {
  const json j = parse_json(text, name);
  if (!j.is_object()) throw DataError(name + ": expected a JSON object {\"<group>\": [\"<category>\", ...]}");
  for (const auto& [group, members] : j.items()) group_names.push_back(group);
  std::sort(group_names.begin(), group_names.end());
  category_groups.assign(categories.size(), -1);
  for (size_t g = 0; g < group_names.size(); ++g) {
    const json& members = j.at(group_names[g]);
    if (!members.is_array())
      throw DataError(name + ": group " + dq(group_names[g]) + ": expected an array of category names");
    for (const json& m : members) {
      if (!m.is_string())
        throw DataError(name + ": group " + dq(group_names[g]) + ": members must be strings");
      const std::string category = m.get<std::string>();
      // Accept a member written as a template with brackets too.
      auto it = category_index.find(category);
      if (it == category_index.end()) it = category_index.find(template_key(category));
      if (it == category_index.end())
        throw DataError(name + ": group " + dq(group_names[g]) + ": category " + dq(category) +
                        " is not in labels");
      int& slot = category_groups[static_cast<size_t>(it->second)];
      if (slot >= 0)
        throw DataError(name + ": category " + dq(it->first) + " is in two groups: " +
                        dq(group_names[static_cast<size_t>(slot)]) + " and " + dq(group_names[g]));
      slot = static_cast<int>(g);
    }
  }
  for (size_t c = 0; c < categories.size(); ++c)
    if (category_groups[c] < 0)
      throw DataError(name + ": category " + dq(categories[c]) + " is in no group");
}

std::string id_of(const json& entry) {
  if (!entry.is_object()) return {};
  const auto it = entry.find("id");
  if (it == entry.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return {};
}

const json& field(const json& entry, const char* key, json::value_t type, const std::string& where) {
  const auto it = entry.find(key);
  if (it == entry.end()) throw DataError(where + ": missing field " + dq(key));
  if (it->type() != type) {
    const char* type_name = type == json::value_t::string ? "a string" : "an array";
    throw DataError(where + ": field " + dq(key) + " must be " + type_name);
  }
  return *it;
}

}  // namespace

std::optional<std::string> video_id_problem(std::string_view id) {
  if (id.empty()) return "is empty";
  if (id.size() > kMaxVideoIdBytes)
    return "is " + std::to_string(id.size()) + " bytes long; ids are at most " + std::to_string(kMaxVideoIdBytes) +
           " bytes (they become file names)";
  for (const char c : id) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", byte);
      return std::string("contains the control character ") + hex + " (ids become file names)";
    }
    if (c == '/' || c == '\\')
      return std::string("contains the path separator '") + c + "' (ids become file names)";
  }
  if (id == "." || id == "..") return "is " + std::string(id) + ", which names a folder, not a file";
  return std::nullopt;
}

std::filesystem::path DatasetLayout::split_file(std::string_view split) const {
  if (split == "train") return file(train);
  if (split == "validation") return file(validation);
  if (split == "test") return file(test);
  throw DataError("unknown split " + dq(split) + " (expected train, validation or test)");
}

std::filesystem::path DatasetLayout::video_path(const std::string& id) const {
  const std::filesystem::path dir = root / videos;
  // Common containers first (one stat each), then a folder scan for anything else.
  for (const char* ext : {".webm", ".mp4", ".mkv", ".avi", ".mov"}) {
    std::filesystem::path p = dir / (id + ext);
    if (std::filesystem::exists(p)) return p;
  }
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().stem() == id && e.is_regular_file()) return e.path();
  return dir / (id + ".webm");
}

DatasetLayout DatasetLayout::detect(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  DatasetLayout layout;
  layout.root = root;
  if (!fs::exists(root / layout.labels) && fs::exists(root / "something-something-v2-labels.json")) {
    layout.labels = "something-something-v2-labels.json";
    layout.train = "something-something-v2-train.json";
    layout.validation = "something-something-v2-validation.json";
    layout.test = "something-something-v2-test.json";
  }
  if (!fs::exists(root / layout.videos) && fs::exists(root / "20bn-something-something-v2"))
    layout.videos = "20bn-something-something-v2";
  return layout;
}

Annotations Annotations::load(const DatasetLayout& layout) {
  namespace fs = std::filesystem;
  AnnotationTexts texts;
  texts.labels_name = layout.file(layout.labels).string();
  if (!fs::exists(layout.file(layout.labels)))
    throw DataError(texts.labels_name + ": labels file not found (DatasetLayout.labels)");
  texts.labels = read_text_file(layout.file(layout.labels));
  texts.groups_name = layout.file(layout.groups).string();
  if (fs::exists(layout.file(layout.groups))) texts.groups = read_text_file(layout.file(layout.groups));
  else log_warning(texts.groups_name + " not found: no action groups (coarse labels are -1)");
  std::string* split_texts[] = {&texts.train, &texts.validation, &texts.test};
  std::string* split_names[] = {&texts.train_name, &texts.validation_name, &texts.test_name};
  for (size_t s = 0; s < 3; ++s) {
    const fs::path p = layout.split_file(kSplits[s]);
    *split_names[s] = p.string();
    if (fs::exists(p)) {
      *split_texts[s] = read_text_file(p);
      if (split_texts[s]->empty()) throw DataError(p.string() + ": empty file");
    }
  }
  return parse(texts);
}

Annotations Annotations::parse(const AnnotationTexts& texts) {
  try {
    return parse_checked(texts);
  } catch (const nlohmann::json::exception& e) {
    // Every access is type-checked first; this is a safety net naming the files.
    throw DataError("annotations (" + texts.labels_name + ", " + texts.train_name + ", ...): unexpected JSON: " +
                    e.what());
  }
}

Annotations Annotations::parse_checked(const AnnotationTexts& texts) {
  Annotations a;
  parse_labels(texts.labels, texts.labels_name, a.category_names_, a.category_index_);
  if (!texts.groups.empty())
    parse_groups(texts.groups, texts.groups_name, a.category_names_, a.category_index_, a.group_names_,
                 a.category_groups_);
  else
    a.category_groups_.assign(a.category_names_.size(), -1);

  const std::string* split_texts[] = {&texts.train, &texts.validation, &texts.test};
  const std::string* split_names[] = {&texts.train_name, &texts.validation_name, &texts.test_name};
  // Where each id was first seen, over every split: a second sight is a
  // duplicate within a split or a leak between two.
  struct IdSite {
    size_t split, entry;
  };
  std::map<std::string, IdSite, std::less<>> first_seen;
  for (size_t s = 0; s < 3; ++s) {
    if (split_texts[s]->empty()) continue;
    const std::string& file = *split_names[s];
    const bool labelled = kSplits[s] != "test";
    const json j = parse_json(*split_texts[s], file);
    if (!j.is_array()) throw DataError(file + ": expected a JSON array of entries");
    std::vector<VideoLabel> videos;
    videos.reserve(j.size());
    for (size_t i = 0; i < j.size(); ++i) {
      const json& e = j[i];
      const std::string id = id_of(e);
      if (!e.is_object()) throw DataError(entry_where(file, i, "") + ": expected a JSON object");
      if (id.empty()) throw DataError(entry_where(file, i, "") + ": missing or empty field \"id\" (string or integer)");
      // A bad id is shown escaped and shortened: it may hold a newline, a NUL or megabytes.
      if (const auto problem = video_id_problem(id))
        throw DataError(entry_where(file, i, "") + ": id " + quoted_name(id) + " " + *problem);
      const std::string where = entry_where(file, i, id);
      const auto [first, inserted] = first_seen.try_emplace(id, IdSite{s, i});
      if (!inserted) {
        const IdSite& site = first->second;
        if (site.split == s)
          throw DataError(where + ": duplicate id (first at entry " + std::to_string(site.entry) + ")");
        throw DataError("id " + dq(id) + " is in two splits: " + entry_where(*split_names[site.split], site.entry, "") +
                        " and " + entry_where(file, i, "") +
                        "; a video belongs to one split only (else evaluation videos leak into training)");
      }
      VideoLabel v;
      v.id = id;
      // Test entries may carry labels in other releases; read them when present.
      if (labelled || e.contains("template")) {
        v.template_name = field(e, "template", json::value_t::string, where).get<std::string>();
        v.caption = to_lower_ascii(field(e, "label", json::value_t::string, where).get<std::string>());
        for (const json& p : field(e, "placeholders", json::value_t::array, where)) {
          if (!p.is_string()) throw DataError(where + ": field \"placeholders\" must hold strings");
          v.placeholders.push_back(p.get<std::string>());
        }
        const auto it = a.category_index_.find(template_key(v.template_name));
        if (it == a.category_index_.end())
          throw DataError(where + ": template " + dq(v.template_name) + " is not in " + texts.labels_name);
        v.category = it->second;
        v.group = a.category_groups_[static_cast<size_t>(v.category)];
        const int slots = count_placeholders(v.template_name);
        if (slots != static_cast<int>(v.placeholders.size())) {
          if (a.placeholder_mismatches_++ < 5)
            log_warning(where + ": " + std::to_string(v.placeholders.size()) + " placeholders for " +
                        std::to_string(slots) + " slots in " + dq(v.template_name) +
                        "; the simplified caption keeps the label");
          v.simplified_caption = v.caption;
        } else {
          v.simplified_caption = simplified_caption(v.template_name, v.placeholders);
        }
      }
      videos.push_back(std::move(v));
    }
    a.splits_.emplace(std::string(kSplits[s]), std::move(videos));
  }
  if (a.placeholder_mismatches_ > 5)
    log_warning(std::to_string(a.placeholder_mismatches_) + " entries in all had a placeholder count mismatch");
  return a;
}

bool Annotations::has_split(std::string_view name) const { return splits_.find(name) != splits_.end(); }

std::vector<VideoLabel> Annotations::split(std::string_view name) const {
  if (name != "train" && name != "validation" && name != "test")
    throw DataError("unknown split " + dq(name) + " (expected train, validation or test)");
  const auto it = splits_.find(name);
  if (it == splits_.end()) throw DataError("split " + dq(name) + " is absent (its JSON file was not found)");
  return it->second;
}

}  // namespace grain::data
