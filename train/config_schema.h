// defines: grain::ConfigSchema, ConfigKey, ConfigValues — strictly validated YAML configs
//
// Every key a config may hold is declared once, with its type, default and
// description (trainer --help-config prints the table). Loading walks the
// YAML document and rejects unknown keys (with the nearest known key as a
// hint), wrong types and bad choices, naming the key and the file; there are
// no silent defaults for misspelt keys. A key or section given twice is an
// error naming both lines (YAML parsers silently keep one of the two).
// Numeric keys carry their allowed range (ConfigRange), stated once in the
// schema and checked in the one validation path that file values and
// `--set key.path=value` overrides share; every number must be finite. Each
// message names its source ("file line N" or "--set key=value"), the key,
// the value and the allowed range. The effective config (every key, defaults
// filled in) is written back as YAML into the run folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace grain {

enum class ConfigType { kInt, kDouble, kString, kBool };

// The values a numeric key accepts: an interval whose ends are each open,
// closed or absent, plus optionally one sentinel outside it (-1: "the
// preset's"). Build with the named constructors: at_least(0), above(0),
// between(1, 1024), between(0, 1).excluding_max(), between(1, 1024).or_value(-1, "the preset's").
struct ConfigRange {
  std::optional<double> min, max;
  bool min_inclusive = true, max_inclusive = true;
  std::optional<double> sentinel;    // allowed besides the interval
  std::string sentinel_meaning;      // "the preset's"

  static ConfigRange at_least(double lo) { return {lo, std::nullopt, true, true, std::nullopt, ""}; }
  static ConfigRange above(double lo) { return {lo, std::nullopt, false, true, std::nullopt, ""}; }
  static ConfigRange between(double lo, double hi) { return {lo, hi, true, true, std::nullopt, ""}; }
  ConfigRange excluding_max() const { ConfigRange r = *this; r.max_inclusive = false; return r; }
  ConfigRange excluding_min() const { ConfigRange r = *this; r.min_inclusive = false; return r; }
  ConfigRange or_value(double value, std::string meaning) const {
    ConfigRange r = *this;
    r.sentinel = value, r.sentinel_meaning = std::move(meaning);
    return r;
  }
  bool contains(double value) const;
  // "[0, 1)", ">= 1", "> 0", "[1, 1024] or -1 (the preset's)"; "" when unbounded.
  std::string describe() const;
};

struct ConfigKey {
  std::string path;                  // "train.batch_size"
  ConfigType type;
  std::string default_value;         // as YAML text; "" for strings means empty
  std::string description;
  std::vector<std::string> choices;  // allowed values (strings only); empty = any
  ConfigRange range = {};            // allowed values (numbers only)
};

class ConfigValues {
 public:
  int64_t get_int(const std::string& path) const;
  double get_double(const std::string& path) const;
  const std::string& get_string(const std::string& path) const;
  bool get_bool(const std::string& path) const;
  bool was_set(const std::string& path) const;  // present in the file or an override
  // Where the value came from, for messages: "file.yaml line 12", "--set key=value" or "default".
  std::string source(const std::string& path) const;
  // Nested YAML of every key (the effective config).
  std::string to_yaml() const;

 private:
  friend class ConfigSchema;
  std::map<std::string, std::string> values_;
  std::map<std::string, const ConfigKey*> keys_;
  std::map<std::string, std::string> source_;  // keys given in the file or by --set only
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
  // Applies "a.b=value" overrides to `values`, checked like --set (and named so in errors).
  void apply_overrides(ConfigValues& values, const std::vector<std::string>& overrides) const;
  // A table of every key: path, type, default, allowed range or choices, description.
  std::string describe() const;

 private:
  const ConfigKey* find(const std::string& path) const;
  std::string nearest(const std::string& path) const;
  // The one validation path: type, choices, finiteness and range.
  void check_value(const ConfigKey& key, const std::string& value, const std::string& where) const;
  std::vector<ConfigKey> keys_;
};

}  // namespace grain
