// defines: parse_predictions, read_predictions, match_split
#include "data/metrics/predictions.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "data/common/error.h"
#include "data/common/json_read.h"

namespace grain::metrics {
namespace {

using data::DataError;
using data::describe_json;
using nlohmann::json;

std::string dq(const std::string& s) { return "\"" + s + "\""; }

int parse_class(const json& v, const std::string& where, const char* field, int num_classes) {
  if (!v.is_number_integer())
    throw DataError(where + ": \"" + field + "\" must be an integer class index, got " + describe_json(v));
  const long long c = v.get<long long>();
  if (c < 0 || c >= num_classes)
    throw DataError(where + ": unknown class " + std::to_string(c) + " in \"" + field + "\" (the dataset has " +
                    std::to_string(num_classes) + " classes, 0.." + std::to_string(num_classes - 1) + ")");
  return static_cast<int>(c);
}

}  // namespace

Predictions parse_predictions(const std::string& text, const std::string& name, int num_classes) {
  Predictions out;
  std::map<std::string, int> first_line;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  int with_caption = 0, with_class = 0, with_top5 = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = name + ":" + std::to_string(line_no);
    const json j = data::parse_json(line, where);  // depth-bounded: no value below can overflow the stack
    if (!j.is_object()) throw DataError(where + ": expected a JSON object {\"id\": ..., \"caption\": ..., \"class\": ...}");
    Prediction p;
    p.line = line_no;
    if (!j.contains("id")) throw DataError(where + ": missing \"id\"");
    const json& id = j.at("id");
    if (id.is_string()) p.id = id.get<std::string>();
    else if (id.is_number_integer()) p.id = std::to_string(id.get<long long>());  // SSv2 ids are numbers written as strings
    else throw DataError(where + ": \"id\" must be a string, got " + describe_json(id));
    if (auto [it, fresh] = first_line.emplace(p.id, line_no); !fresh)
      throw DataError(where + ": duplicate id " + dq(p.id) + " (first on line " + std::to_string(it->second) + ")");
    if (j.contains("caption")) {
      if (!j.at("caption").is_string()) throw DataError(where + ": \"caption\" must be a string");
      p.caption = j.at("caption").get<std::string>();
      ++with_caption;
    }
    if (j.contains("class")) {
      p.category = parse_class(j.at("class"), where, "class", num_classes);
      ++with_class;
    }
    if (j.contains("top5")) {
      if (!j.at("top5").is_array() || j.at("top5").empty())
        throw DataError(where + ": \"top5\" must be a non-empty array of class indices");
      for (const json& c : j.at("top5")) p.top5.push_back(parse_class(c, where, "top5", num_classes));
      ++with_top5;
    }
    out.rows.push_back(std::move(p));
  }
  if (out.rows.empty()) throw DataError(name + ": no predictions");
  const int n = static_cast<int>(out.rows.size());
  auto all_or_none = [&](int count, const char* field) {
    if (count != 0 && count != n) {
      for (const Prediction& p : out.rows) {
        const bool has = std::string(field) == "caption" ? p.caption.has_value()
                         : std::string(field) == "class" ? p.category.has_value()
                                                          : !p.top5.empty();
        if (!has)
          throw DataError(name + ":" + std::to_string(p.line) + ": no \"" + field + "\", but " + std::to_string(count) +
                          " other lines have one (give it in every line or in none)");
      }
    }
    return count == n;
  };
  out.has_captions = all_or_none(with_caption, "caption");
  out.has_classes = all_or_none(with_class, "class");
  out.has_top5 = all_or_none(with_top5, "top5");
  if (!out.has_captions && !out.has_classes)
    throw DataError(name + ": the predictions have neither \"caption\" nor \"class\"");
  return out;
}

Predictions read_predictions(const std::filesystem::path& file, int num_classes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DataError(file.string() + ": cannot open the predictions file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_predictions(text.str(), file.string(), num_classes);
}

std::vector<const Prediction*> match_split(const Predictions& predictions, const std::vector<std::string>& split_ids,
                                           const std::string& name, const std::string& split_name) {
  std::map<std::string, const Prediction*> by_id;
  for (const Prediction& p : predictions.rows) by_id[p.id] = &p;
  std::map<std::string, bool> in_split;
  for (const std::string& id : split_ids) in_split[id] = true;
  for (const Prediction& p : predictions.rows)
    if (!in_split.count(p.id))
      throw DataError(name + ":" + std::to_string(p.line) + ": id " + dq(p.id) + " is not in the " + split_name +
                      " split");
  std::vector<const Prediction*> out;
  std::vector<std::string> missing;
  for (const std::string& id : split_ids) {
    auto it = by_id.find(id);
    if (it == by_id.end()) missing.push_back(id);
    else out.push_back(it->second);
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 5; ++i) list += (i ? ", " : "") + dq(missing[i]);
    if (missing.size() > 5) list += ", ...";
    throw DataError(name + ": " + std::to_string(missing.size()) + " of the " + std::to_string(split_ids.size()) +
                    " videos of the " + split_name + " split have no prediction (" + list + ")");
  }
  return out;
}

}  // namespace grain::metrics
