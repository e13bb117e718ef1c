// defines: grain::cli::FlagParser, UsageError, Bounds, Parsed, kUsageExit,
//          parse_integer, parse_unsigned, parse_number
//
// The one command-line parser of every tool (tools/*/main.cpp) and bench
// program. A tool declares its flags, each once, with its aliases: with a
// value or without, taking one value or repeatable, free text, a choice, or
// a number with bounds; then parse() walks argv once, left to right, and
// stores each value into the variable the declaration named (a variable
// left alone keeps its default). What it refuses, as a UsageError whose
// message names the flag:
//   - an unknown flag, with the nearest declared flag as a hint ("did you
//     mean --config?"), found with the edit distance the config keys use
//     (data/common/edit_distance.h);
//   - a flag at the end of the line that needs a value;
//   - a value out of its bounds or not a number ("--runs 1: expected an
//     integer >= 2");
//   - a flag that takes one value given twice (the second would silently win);
//   - an argument that is not a flag (no tool takes positional arguments).
// `--help` and `-h` print the tool's usage text on stdout. Every tool exits
// 0 after --help and kUsageExit (2) after a usage error, printed by
// usage_error() as "<tool>: <message>".
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace grain::cli {

// The exit status of a bad command line, in every tool.
inline constexpr int kUsageExit = 2;

// A bad command line; the message names the flag.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The values a number flag accepts: [min, max], the lower end optionally
// open (> 0). Unbounded ends are infinite.
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;

  static Bounds at_least(double v) { return {v, std::numeric_limits<double>::infinity(), false}; }
  static Bounds above(double v) { return {v, std::numeric_limits<double>::infinity(), true}; }
  static Bounds between(double lo, double hi) { return {lo, hi, false}; }
  bool contains(double v) const;
  // ">= 0", "> 0", "in [1, 100]", "" when unbounded.
  std::string describe() const;
};

// The whole of `text` as an integer in [lo, hi] (decimal, optional '-');
// otherwise UsageError "FLAG TEXT: expected an integer >= lo" (or "in [lo, hi]").
int64_t parse_integer(std::string_view flag, std::string_view text, int64_t lo,
                      int64_t hi = std::numeric_limits<int64_t>::max());
// The whole of `text` as an unsigned 64-bit integer (seeds: every value exact).
uint64_t parse_unsigned(std::string_view flag, std::string_view text);
// The whole of `text` as a finite number within `bounds` (1e-3, 0.5, 12).
double parse_number(std::string_view flag, std::string_view text, Bounds bounds = {});

// What parse() found: run the tool, or exit 0 (--help or an action flag
// such as --list-stages has printed its text).
enum class Parsed { kRun, kExit };

class FlagParser {
 public:
  // A flag's names: the flag and its aliases, e.g. {"--classes", "--class"}.
  struct Names {
    Names(const char* name) : list{name} {}  // implicit, so a flag with one name is written "--out"
    Names(std::initializer_list<const char*> names) : list(names.begin(), names.end()) {}
    std::vector<std::string> list;
  };

  // `tool` starts every message; `usage` is what --help prints.
  FlagParser(std::string tool, std::string usage);

  // --flag VALUE: the text as given, into a std::string or a
  // std::filesystem::path (anything assignable from a string).
  template <class Text>
  void text(Names names, Text* out) {
    value(std::move(names), [out](const std::string& v) { *out = v; });
  }
  // --flag VALUE, repeatable: every value, in order.
  void repeated(Names names, std::vector<std::string>* out);
  // --flag VALUE, one of `choices` ("--classes x: expected categories or groups").
  void choice(Names names, std::string* out, std::vector<std::string> choices);
  // --flag N: an integer in [lo, hi], stored as Int (hi no more than Int holds).
  template <class Int>
  void integer(Names names, Int* out, int64_t lo, int64_t hi = std::numeric_limits<int64_t>::max()) {
    static_assert(std::is_integral_v<Int> && std::is_signed_v<Int>, "unsigned values: unsigned_integer()");
    hi = std::min<int64_t>(hi, std::numeric_limits<Int>::max());
    const std::string flag = names.list.front();
    value(std::move(names), [out, lo, hi, flag](const std::string& v) {
      *out = static_cast<Int>(parse_integer(flag, v, lo, hi));
    });
  }
  // --flag N: an unsigned 64-bit integer.
  void unsigned_integer(Names names, uint64_t* out);
  // --flag X: a finite number within bounds.
  void number(Names names, double* out, Bounds bounds = {});
  // --flag VALUE handled by the tool (lists, WxH sizes, device names). A
  // std::invalid_argument from `handle` becomes the UsageError
  // "FLAG VALUE: <its message>"; a UsageError passes as it is.
  void value(Names names, std::function<void(const std::string&)> handle);
  // --flag without a value: sets *out to true.
  void set_true(Names names, bool* out);
  // --flag without a value that prints something and ends the tool with
  // status 0 (--help-config, --list-stages); parse() runs it when met.
  void action(Names names, std::function<void()> print);

  // Parses argv[1..argc-1]. Throws UsageError (see the file comment).
  Parsed parse(int argc, const char* const* argv);

  // Prints "<tool>: <message>" on stderr, with " (see --help)" unless the
  // message already points there, and returns kUsageExit.
  int usage_error(const std::exception& e) const;

  const std::string& tool() const { return tool_; }
  const std::string& usage() const { return usage_; }

 private:
  enum class Kind { kValue, kRepeated, kNoValue, kAction };
  struct Flag {
    std::string name;  // the first of its names, for messages
    Kind kind;
    std::function<void(const std::string&)> handle;  // kValue, kRepeated
    std::function<void()> act;                        // kNoValue, kAction
  };
  void declare(const Names& names, Flag flag);
  // "unknown flag --confg, did you mean --config?"
  std::string unknown_flag_message(const std::string& arg) const;

  std::string tool_, usage_;
  std::vector<Flag> flags_;
  std::map<std::string, size_t> by_name_;  // every name and alias -> index in flags_
};

}  // namespace grain::cli
