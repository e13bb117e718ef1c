// defines: grain::ConfigSchema, ConfigKey, ConfigValues — strictly validated YAML configs
//
// Every key a config may hold is declared once, with its type, default and
// description (trainer --help-config prints the table). Loading walks the
// YAML document and rejects unknown keys (with the nearest known key as a
// hint), wrong types and bad choices, naming the key and the file; there are
// no silent defaults for misspelt keys. A key or section given twice is an
// error naming both lines (YAML parsers silently keep one of the two); so
// are a section given as a list or a scalar, a second YAML document
// (`---`), nesting deeper than any config needs, and a required key left
// out (an empty config names them).
// Numeric keys carry their allowed range (ConfigRange), stated once in the
// schema and checked in the one validation path that file values and
// `--set key.path=value` overrides share; every number must be finite. Each
// message names its source ("file line N" or "--set key=value"), the key,
// the value and the allowed range. A string key with choices is parsed into
// an enum once (ConfigChoice: the names the schema lists, the value each
// stands for, and the same name written back). The effective config (every
// key, defaults filled in) is written back as YAML into the run folder.
#pragma once

#include <array>
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
  bool required = false;             // no default: the file or a --set must give it (non-empty); see required()
};

// `key` without a default: loading fails naming it when neither the file nor
// an override gives it.
inline ConfigKey required(ConfigKey key) {
  key.required = true;
  key.default_value.clear();
  return key;
}

// One choice of a string key and the enum value it names. A key's table of
// choices gives the schema its allowed names (choice_names), the typed value
// read (ConfigValues::get_choice) and the name written back (choice_name),
// so the strings are spelt once.
template <class E>
struct ConfigChoice {
  const char* name;
  E value;
};
template <class E, size_t N>
using ConfigChoices = std::array<ConfigChoice<E>, N>;

template <class E, size_t N>
std::vector<std::string> choice_names(const ConfigChoices<E, N>& choices) {
  std::vector<std::string> names;
  for (const ConfigChoice<E>& c : choices) names.push_back(c.name);
  return names;
}
template <class E, size_t N>
const char* choice_name(const ConfigChoices<E, N>& choices, E value) {
  for (const ConfigChoice<E>& c : choices)
    if (c.value == value) return c.name;
  return "?";
}

class ConfigValues {
 public:
  int64_t get_int(const std::string& path) const;
  double get_double(const std::string& path) const;
  const std::string& get_string(const std::string& path) const;
  bool get_bool(const std::string& path) const;
  // The enum value a string key names (the schema checked the name is one
  // of `choices`); throws naming the key otherwise.
  template <class E, size_t N>
  E get_choice(const std::string& path, const ConfigChoices<E, N>& choices) const {
    const std::string& name = get_string(path);
    for (const ConfigChoice<E>& c : choices)
      if (name == c.name) return c.value;
    throw_bad_choice(path, name);
  }
  bool was_set(const std::string& path) const;  // present in the file or an override
  // Where the value came from, for messages: "file.yaml line 12", "--set key=value" or "default".
  std::string source(const std::string& path) const;
  // Nested YAML of every key (the effective config).
  std::string to_yaml() const;

 private:
  friend class ConfigSchema;
  [[noreturn]] void throw_bad_choice(const std::string& path, const std::string& name) const;
  std::map<std::string, std::string> values_;
  std::map<std::string, const ConfigKey*> keys_;
  std::map<std::string, std::string> source_;  // keys given in the file or by --set only
};

class ConfigSchema {
 public:
  explicit ConfigSchema(std::vector<ConfigKey> keys);
  // Reads `file` (YAML), applies overrides ("a.b=value"), checks everything
  // (required keys after the overrides). Throws grain::Error naming the file
  // and the key.
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
  bool is_section(const std::string& path) const;  // a prefix "path." of some key
  std::string nearest(const std::string& path) const;
  // The one validation path: type, choices, finiteness and range.
  void check_value(const ConfigKey& key, const std::string& value, const std::string& where) const;
  std::vector<ConfigKey> keys_;
};

}  // namespace grain
