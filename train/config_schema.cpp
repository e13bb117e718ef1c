// defines: grain::ConfigSchema, grain::ConfigValues (see config_schema.h)
#include "train/config_schema.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "data/common/edit_distance.h"
#include "engine/error.h"

namespace grain {

namespace {

const char* type_name(ConfigType t) {
  switch (t) {
    case ConfigType::kInt: return "an integer";
    case ConfigType::kDouble: return "a number";
    case ConfigType::kString: return "a string";
    case ConfigType::kBool: return "a boolean";
  }
  return "?";
}

bool parse_int(const std::string& s, int64_t* out) {
  try {
    size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used != s.size()) return false;
    *out = v;
    return true;
  } catch (...) {
    return false;
  }
}

bool parse_double(const std::string& s, double* out) {
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size()) return false;
    *out = v;
    return true;
  } catch (...) {
    return false;
  }
}

bool parse_bool(const std::string& s, bool* out) {
  if (s == "true" || s == "True" || s == "yes" || s == "on") return *out = true, true;
  if (s == "false" || s == "False" || s == "no" || s == "off") return *out = false, true;
  return false;
}

// A config is sections of keys: two levels of mappings, and a third for a
// value given as a list or mapping (an error naming the key). Deeper
// nesting is refused before yaml-cpp builds the document (it stops at depth
// 500 with "bad file").
constexpr int kMaxNesting = 8;

// Walks the YAML events before the document is built: refuses nesting past
// kMaxNesting and a second document (YAML::Load keeps the first and drops
// the rest silently).
class StructureCheck : public YAML::EventHandler {
 public:
  explicit StructureCheck(const std::string& source) : source_(source) {}
  void OnDocumentStart(const YAML::Mark& mark) override {
    GRAIN_CHECK(documents_ == 0, source_ << " line " << mark.line + 1
                                         << ": a second YAML document (after '---'); a config is one document");
    ++documents_;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void enter(const YAML::Mark& mark) {
    GRAIN_CHECK(++depth_ <= kMaxNesting, source_ << " line " << mark.line + 1 << ": nested more than " << kMaxNesting
                                                 << " levels deep; a config is sections of keys (section: key: value)");
  }
  const std::string& source_;
  int documents_ = 0, depth_ = 0;
};

// Shortest text that reads back as the same number, whole numbers in full
// (1e-08 -> "1e-08", 1000000 -> "1000000").
std::string number_text(double v) {
  char buffer[64];
  const auto result = std::abs(v) < 1e15 && v == std::floor(v)
                          ? std::to_chars(buffer, buffer + sizeof(buffer), static_cast<int64_t>(v))
                          : std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, result.ptr);
}

}  // namespace

bool ConfigRange::contains(double v) const {
  if (sentinel && v == *sentinel) return true;
  if (min && (min_inclusive ? v < *min : v <= *min)) return false;
  if (max && (max_inclusive ? v > *max : v >= *max)) return false;
  return true;
}

std::string ConfigRange::describe() const {
  std::string text;
  if (min && max) {
    text.append(min_inclusive ? "[" : "(").append(number_text(*min)).append(", ").append(number_text(*max));
    text.append(max_inclusive ? "]" : ")");
  } else if (min) {
    text.append(min_inclusive ? ">= " : "> ").append(number_text(*min));
  } else if (max) {
    text.append(max_inclusive ? "<= " : "< ").append(number_text(*max));
  }
  if (sentinel) {
    if (!text.empty()) text.append(" or ");
    text.append(number_text(*sentinel)).append(" (").append(sentinel_meaning).append(")");
  }
  return text;
}

ConfigSchema::ConfigSchema(std::vector<ConfigKey> keys) : keys_(std::move(keys)) {}

const ConfigKey* ConfigSchema::find(const std::string& path) const {
  for (const ConfigKey& k : keys_)
    if (k.path == path) return &k;
  return nullptr;
}

std::string ConfigSchema::nearest(const std::string& path) const {
  std::string best;
  size_t best_distance = 4;  // suggest only close names
  for (const ConfigKey& k : keys_) {
    const size_t d = data::edit_distance(path, k.path);
    if (d < best_distance) best_distance = d, best = k.path;
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

bool ConfigSchema::is_section(const std::string& path) const {
  for (const ConfigKey& k : keys_)
    if (k.path.rfind(path + ".", 0) == 0) return true;
  return false;
}

namespace {

// The offset of the first byte that does not start or continue a well-formed
// UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF), or npos when the text is valid.
size_t invalid_utf8_at(const std::string& text) {
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = b[i];
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) len = 1;
    else if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char x = b[i + k];
      if (k == 1 ? (x < lo || x > hi) : (x < 0x80 || x > 0xBF)) return i;
    }
    i += len;
  }
  return std::string::npos;
}

}  // namespace

void ConfigSchema::check_value(const ConfigKey& key, const std::string& value, const std::string& where) const {
  // The run folder's config.yaml records every value as UTF-8 text (the YAML
  // emitter would write U+FFFD for a bad byte, and the record would name
  // another path than the one used): refuse what it cannot record.
  if (const size_t at = invalid_utf8_at(value); at != std::string::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(value[at]));
    GRAIN_THROW(where << ": key '" << key.path << "': the value is not UTF-8 text (byte " << byte << " at offset " << at
                      << "); a config's values, paths included, must be UTF-8 so config.yaml can record them");
  }
  int64_t i = 0;
  double d = 0;
  bool b = false;
  const bool ok = key.type == ConfigType::kInt      ? parse_int(value, &i)
                  : key.type == ConfigType::kDouble ? parse_double(value, &d)
                  : key.type == ConfigType::kBool   ? parse_bool(value, &b)
                                                    : true;
  GRAIN_CHECK(ok, where << ": key '" << key.path << "' must be " << type_name(key.type) << ", got '" << value
                        << "'");
  if (key.type == ConfigType::kInt || key.type == ConfigType::kDouble) {
    const double number = key.type == ConfigType::kInt ? static_cast<double>(i) : d;
    GRAIN_CHECK(std::isfinite(number),
                where << ": key '" << key.path << "' must be a finite number, got '" << value << "'");
    GRAIN_CHECK(key.range.contains(number), where << ": key '" << key.path << "' must be "
                                                  << (key.range.min && key.range.max ? "in " : "")
                                                  << key.range.describe() << ", got " << value);
  }
  if (!key.choices.empty()) {
    std::string allowed;
    for (const std::string& c : key.choices) allowed += (allowed.empty() ? "" : ", ") + c;
    GRAIN_CHECK(std::find(key.choices.begin(), key.choices.end(), value) != key.choices.end(),
                where << ": key '" << key.path << "' must be one of " << allowed << ", got '" << value << "'");
  }
}

ConfigValues ConfigSchema::load(const std::filesystem::path& file, const std::vector<std::string>& overrides) const {
  std::ifstream in(file);
  GRAIN_CHECK(in, "config: cannot open " << file.string());
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.string(), overrides);
}

ConfigValues ConfigSchema::parse(const std::string& yaml, const std::string& source,
                                 const std::vector<std::string>& overrides) const {
  ConfigValues values;
  for (const ConfigKey& k : keys_) {
    values.values_[k.path] = k.default_value;
    values.keys_[k.path] = &k;
  }
  YAML::Node root;
  try {
    std::istringstream events(yaml);
    YAML::Parser parser(events);
    StructureCheck check(source);
    while (parser.HandleNextDocument(check)) {
    }
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    GRAIN_THROW(source << ": not valid YAML: " << e.what());
  }
  GRAIN_CHECK(root.IsNull() || root.IsMap(), source << ": the top level must be a mapping of sections");
  const bool empty = root.IsNull() || root.size() == 0;
  // Depth-first over the document; leaves are "a.b.c: scalar". Every path
  // (section or key) is remembered with its line: yaml-cpp keeps both entries
  // of a duplicated key in the map (lookups see the first), so a repeat is
  // caught here, whether nested twice or once nested and once as "a.b: v".
  struct Entry {
    std::string path;
    YAML::Node node;
    int line;  // 1-based, of the key
  };
  std::vector<Entry> stack;
  std::map<std::string, int> seen;  // path -> line
  auto push_children = [&](const std::string& prefix, const YAML::Node& map) {
    std::vector<Entry> children;
    for (auto it = map.begin(); it != map.end(); ++it) {
      GRAIN_CHECK(it->first.IsScalar(), source << " line " << it->first.Mark().line + 1 << ": keys must be names");
      children.push_back({prefix + it->first.as<std::string>(), it->second, it->first.Mark().line + 1});
    }
    stack.insert(stack.end(), children.rbegin(), children.rend());  // pop in document order
  };
  if (root.IsMap()) push_children("", root);
  while (!stack.empty()) {
    const Entry entry = stack.back();
    stack.pop_back();
    const std::string& path = entry.path;
    const YAML::Node& node = entry.node;
    const std::string where = source + " line " + std::to_string(entry.line);
    const auto [previous, first_time] = seen.emplace(path, entry.line);
    GRAIN_CHECK(first_time, source << " lines " << previous->second << " and " << entry.line << ": "
                                   << (node.IsMap() ? "section" : "key") << " '" << path
                                   << "' is given twice");
    if (node.IsMap()) {
      GRAIN_CHECK(is_section(path), where << ": unknown section '" << path << "'" << nearest(path));
      push_children(path + ".", node);
      continue;
    }
    const ConfigKey* key = find(path);
    if (!key && is_section(path)) {
      if (node.IsNull()) continue;  // "train:" with every key left out (or commented out)
      // The message shows the form with a key of the section that has a default.
      const auto example = std::find_if(keys_.begin(), keys_.end(), [&](const ConfigKey& k) {
        return k.path.rfind(path + ".", 0) == 0 && !k.default_value.empty();
      });
      const std::string form = example == keys_.end()
                                   ? "key: value"
                                   : example->path.substr(path.size() + 1) + ": " + example->default_value;
      GRAIN_THROW(where << ": section '" << path << "' must be a mapping of its keys (e.g. " << path << ": {" << form
                        << "}), got "
                        << (node.IsSequence() ? std::string("a list") : "the value '" + node.as<std::string>() + "'"));
    }
    GRAIN_CHECK(key, where << ": unknown key '" << path << "'" << nearest(path));
    GRAIN_CHECK(node.IsScalar() || node.IsNull(),
                where << ": key '" << path << "' must be " << type_name(key->type) << ", got a list or mapping");
    const std::string value = node.IsNull() ? "" : node.as<std::string>();
    check_value(*key, value, where);
    values.values_[path] = value;
    values.source_[path] = where;
  }
  apply_overrides(values, overrides);
  std::vector<std::string> missing;
  for (const ConfigKey& k : keys_) {
    if (!k.required) continue;
    if (values.was_set(k.path)) {
      GRAIN_CHECK(!values.values_[k.path].empty(), values.source(k.path) << ": key '" << k.path << "' must not be empty");
      continue;
    }
    std::string text = "'" + k.path + "'";
    if (!k.choices.empty()) {
      for (size_t i = 0; i < k.choices.size(); ++i) text += (i ? ", " : " (one of ") + k.choices[i];
      text += ")";
    }
    missing.push_back(text);
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i) list += (i ? (i + 1 == missing.size() ? " and " : ", ") : "") + missing[i];
    GRAIN_THROW(source << ": " << (empty ? "the config is empty; " : "") << (missing.size() == 1 ? "key " : "keys ")
                       << list << (missing.size() == 1 ? " is" : " are")
                       << " required (in the file, or --set key=value)");
  }
  return values;
}

void ConfigSchema::apply_overrides(ConfigValues& values, const std::vector<std::string>& overrides) const {
  for (const std::string& o : overrides) {
    const size_t eq = o.find('=');
    GRAIN_CHECK(eq != std::string::npos && eq > 0, "--set " << o << ": expected key.path=value");
    const std::string path = o.substr(0, eq), value = o.substr(eq + 1);
    const ConfigKey* key = find(path);
    GRAIN_CHECK(key, "--set " << o << ": unknown key '" << path << "'" << nearest(path));
    check_value(*key, value, "--set " + o);
    values.values_[path] = value;
    values.keys_[path] = key;
    values.source_[path] = "--set " + o;
  }
}

std::string ConfigSchema::describe() const {
  std::ostringstream os;
  for (const ConfigKey& k : keys_) {
    os << k.path << " (" << type_name(k.type) << ", "
       << (k.required ? "required" : "default " + (k.default_value.empty() ? "\"\"" : k.default_value)) << ")\n    "
       << k.description;
    if (!k.choices.empty()) {
      os << " [";
      for (size_t i = 0; i < k.choices.size(); ++i) os << (i ? " | " : "") << k.choices[i];
      os << "]";
    }
    const std::string range = k.range.describe();
    if (!range.empty()) os << " (allowed: " << range << ")";
    os << "\n";
  }
  return os.str();
}

int64_t ConfigValues::get_int(const std::string& path) const {
  int64_t v = 0;
  GRAIN_CHECK(keys_.count(path) && parse_int(values_.at(path), &v), "config: no integer key " << path);
  return v;
}

double ConfigValues::get_double(const std::string& path) const {
  double v = 0;
  GRAIN_CHECK(keys_.count(path) && parse_double(values_.at(path), &v), "config: no number key " << path);
  return v;
}

const std::string& ConfigValues::get_string(const std::string& path) const {
  GRAIN_CHECK(keys_.count(path), "config: no key " << path);
  return values_.at(path);
}

bool ConfigValues::get_bool(const std::string& path) const {
  bool v = false;
  GRAIN_CHECK(keys_.count(path) && parse_bool(values_.at(path), &v), "config: no boolean key " << path);
  return v;
}

void ConfigValues::throw_bad_choice(const std::string& path, const std::string& name) const {
  GRAIN_THROW("config: key " << path << " is '" << name << "', which names no choice of the key");
}

bool ConfigValues::was_set(const std::string& path) const { return source_.count(path) > 0; }

std::string ConfigValues::source(const std::string& path) const {
  const auto it = source_.find(path);
  return it == source_.end() ? "default" : it->second;
}

std::string ConfigValues::to_yaml() const {
  // Keys are "key" or "section.key": emit top-level keys, then one mapping per section.
  std::map<std::string, std::vector<std::string>> sections;
  for (const auto& [path, value] : values_) {
    const size_t dot = path.find('.');
    sections[dot == std::string::npos ? "" : path.substr(0, dot)].push_back(path);
  }
  YAML::Emitter out;
  auto emit_value = [&](const std::string& path) {
    const std::string& value = values_.at(path);
    if (keys_.at(path)->type == ConfigType::kString) {
      out << YAML::DoubleQuoted << value;
    } else {
      out << value;
    }
  };
  out << YAML::BeginMap;
  for (const std::string& path : sections[""]) {
    out << YAML::Key << path << YAML::Value;
    emit_value(path);
  }
  for (const auto& [section, paths] : sections) {
    if (section.empty()) continue;
    out << YAML::Key << section << YAML::Value << YAML::BeginMap;
    for (const std::string& path : paths) {
      out << YAML::Key << path.substr(section.size() + 1) << YAML::Value;
      emit_value(path);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace grain
