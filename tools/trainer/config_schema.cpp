// defines: grain::ConfigSchema, grain::ConfigValues (see config_schema.h)
#include "tools/trainer/config_schema.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

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

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

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
    const size_t d = edit_distance(path, k.path);
    if (d < best_distance) best_distance = d, best = k.path;
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

void ConfigSchema::check_value(const ConfigKey& key, const std::string& value, const std::string& where) const {
  int64_t i = 0;
  double d = 0;
  bool b = false;
  const bool ok = key.type == ConfigType::kInt      ? parse_int(value, &i)
                  : key.type == ConfigType::kDouble ? parse_double(value, &d)
                  : key.type == ConfigType::kBool   ? parse_bool(value, &b)
                                                    : true;
  GRAIN_CHECK(ok, where << ": key '" << key.path << "' must be " << type_name(key.type) << ", got '" << value
                        << "'");
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
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    GRAIN_THROW(source << ": not valid YAML: " << e.what());
  }
  GRAIN_CHECK(root.IsNull() || root.IsMap(), source << ": the top level must be a mapping of sections");
  // Depth-first over the document; leaves are "a.b.c: scalar".
  std::vector<std::pair<std::string, YAML::Node>> stack;
  if (root.IsMap())
    for (auto it = root.begin(); it != root.end(); ++it) stack.push_back({it->first.as<std::string>(), it->second});
  while (!stack.empty()) {
    auto [path, node] = stack.back();
    stack.pop_back();
    const std::string where = source + " line " + std::to_string(node.Mark().line + 1);
    if (node.IsMap()) {
      bool is_section = false;
      for (const ConfigKey& k : keys_) is_section |= k.path.rfind(path + ".", 0) == 0;
      GRAIN_CHECK(is_section, where << ": unknown section '" << path << "'" << nearest(path));
      for (auto it = node.begin(); it != node.end(); ++it)
        stack.push_back({path + "." + it->first.as<std::string>(), it->second});
      continue;
    }
    const ConfigKey* key = find(path);
    GRAIN_CHECK(key, where << ": unknown key '" << path << "'" << nearest(path));
    GRAIN_CHECK(node.IsScalar() || node.IsNull(),
                where << ": key '" << path << "' must be " << type_name(key->type) << ", got a list or mapping");
    const std::string value = node.IsNull() ? "" : node.as<std::string>();
    check_value(*key, value, where);
    values.values_[path] = value;
    values.set_[path] = true;
  }
  for (const std::string& o : overrides) {
    const size_t eq = o.find('=');
    GRAIN_CHECK(eq != std::string::npos && eq > 0, "--set " << o << ": expected key.path=value");
    const std::string path = o.substr(0, eq), value = o.substr(eq + 1);
    const ConfigKey* key = find(path);
    GRAIN_CHECK(key, "--set " << o << ": unknown key '" << path << "'" << nearest(path));
    check_value(*key, value, "--set " + o);
    values.values_[path] = value;
    values.set_[path] = true;
  }
  return values;
}

std::string ConfigSchema::describe() const {
  std::ostringstream os;
  for (const ConfigKey& k : keys_) {
    os << k.path << " (" << type_name(k.type) << ", default " << (k.default_value.empty() ? "\"\"" : k.default_value)
       << ")\n    " << k.description;
    if (!k.choices.empty()) {
      os << " [";
      for (size_t i = 0; i < k.choices.size(); ++i) os << (i ? " | " : "") << k.choices[i];
      os << "]";
    }
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

bool ConfigValues::was_set(const std::string& path) const { return set_.count(path) > 0; }

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
