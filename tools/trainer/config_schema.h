// defines: grain::ConfigSchema, ConfigKey, ConfigValues — strictly validated YAML configs
//
// Every key a config may hold is declared once, with its type, default and
// description (trainer --help-config prints the table). Loading walks the
// YAML document and rejects unknown keys (with the nearest known key as a
// hint), wrong types and bad choices, naming the key and the file; there are
// no silent defaults for misspelt keys. `--set key.path=value` overrides go
// through the same checks. The effective config (every key, defaults filled
// in) is written back as YAML into the run folder.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace grain {

enum class ConfigType { kInt, kDouble, kString, kBool };

struct ConfigKey {
  std::string path;                  // "train.batch_size"
  ConfigType type;
  std::string default_value;         // as YAML text; "" for strings means empty
  std::string description;
  std::vector<std::string> choices;  // allowed values (strings only); empty = any
};

class ConfigValues {
 public:
  int64_t get_int(const std::string& path) const;
  double get_double(const std::string& path) const;
  const std::string& get_string(const std::string& path) const;
  bool get_bool(const std::string& path) const;
  bool was_set(const std::string& path) const;  // present in the file or an override
  // Nested YAML of every key (the effective config).
  std::string to_yaml() const;

 private:
  friend class ConfigSchema;
  std::map<std::string, std::string> values_;
  std::map<std::string, const ConfigKey*> keys_;
  std::map<std::string, bool> set_;
};

class ConfigSchema {
 public:
  explicit ConfigSchema(std::vector<ConfigKey> keys);
  // Reads `file` (YAML), applies overrides ("a.b=value"), checks everything.
  // Throws grain::Error naming the file and the key.
  ConfigValues load(const std::filesystem::path& file, const std::vector<std::string>& overrides) const;
  // Same from YAML text; `source` names it in errors.
  ConfigValues parse(const std::string& yaml, const std::string& source,
                     const std::vector<std::string>& overrides) const;
  // A table of every key: path, type, default, description.
  std::string describe() const;

 private:
  const ConfigKey* find(const std::string& path) const;
  std::string nearest(const std::string& path) const;
  void check_value(const ConfigKey& key, const std::string& value, const std::string& where) const;
  std::vector<ConfigKey> keys_;
};

}  // namespace grain
