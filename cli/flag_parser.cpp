// defines: FlagParser, Bounds, parse_integer, parse_unsigned, parse_number (see flag_parser.h)
#include "cli/flag_parser.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "data/common/edit_distance.h"
#include "data/common/error.h"

namespace grain::cli {

namespace {

// Whole numbers in full, others as %g ("0", "63", "0.001").
std::string number_text(double v) {
  char buffer[64];
  if (std::abs(v) < 1e15 && v == std::floor(v))
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(v));
  else
    std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

std::string flag_and_text(std::string_view flag, std::string_view text) {
  return std::string(flag) + " " + std::string(text);
}

}  // namespace

bool Bounds::contains(double v) const { return (min_open ? v > min : v >= min) && v <= max; }

std::string Bounds::describe() const {
  const bool has_min = std::isfinite(min), has_max = std::isfinite(max);
  if (has_min && has_max) return "in [" + number_text(min) + ", " + number_text(max) + "]";
  if (has_min) return (min_open ? "> " : ">= ") + number_text(min);
  if (has_max) return "<= " + number_text(max);
  return "";
}

int64_t parse_integer(std::string_view flag, std::string_view text, int64_t lo, int64_t hi) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    const std::string range = hi == std::numeric_limits<int64_t>::max()
                                  ? ">= " + std::to_string(lo)
                                  : "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    throw UsageError(flag_and_text(flag, text) + ": expected an integer " + range);
  }
  return v;
}

uint64_t parse_unsigned(std::string_view flag, std::string_view text) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw UsageError(flag_and_text(flag, text) + ": expected an unsigned integer (0 to 18446744073709551615)");
  return v;
}

double parse_number(std::string_view flag, std::string_view text, Bounds bounds) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) ||
      !bounds.contains(v)) {
    const std::string range = bounds.describe();
    throw UsageError(flag_and_text(flag, text) + ": expected a number" + (range.empty() ? "" : " " + range));
  }
  return v;
}

FlagParser::FlagParser(std::string tool, std::string usage) : tool_(std::move(tool)), usage_(std::move(usage)) {
  action({"--help", "-h"}, [this] { std::fputs(usage_.c_str(), stdout); });
}

void FlagParser::declare(const Names& names, Flag flag) {
  if (names.list.empty()) throw std::logic_error(tool_ + ": a flag declared without a name");
  flag.name = names.list.front();
  for (const std::string& n : names.list) {
    if (n.size() < 2 || n[0] != '-') throw std::logic_error(tool_ + ": flag name '" + n + "' does not start with '-'");
    if (!by_name_.emplace(n, flags_.size()).second) throw std::logic_error(tool_ + ": flag " + n + " declared twice");
  }
  flags_.push_back(std::move(flag));
}

void FlagParser::repeated(Names names, std::vector<std::string>* out) {
  declare(names, {"", Kind::kRepeated, [out](const std::string& v) { out->push_back(v); }, nullptr});
}

void FlagParser::choice(Names names, std::string* out, std::vector<std::string> choices) {
  value(std::move(names), [out, choices = std::move(choices)](const std::string& v) {
    for (const std::string& c : choices)
      if (v == c) {
        *out = v;
        return;
      }
    std::string list;
    for (size_t i = 0; i < choices.size(); ++i)
      list += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
    throw std::invalid_argument("expected " + list);
  });
}

void FlagParser::unsigned_integer(Names names, uint64_t* out) {
  const std::string flag = names.list.front();
  value(std::move(names), [out, flag](const std::string& v) { *out = parse_unsigned(flag, v); });
}

void FlagParser::number(Names names, double* out, Bounds bounds) {
  const std::string flag = names.list.front();
  value(std::move(names), [out, flag, bounds](const std::string& v) { *out = parse_number(flag, v, bounds); });
}

void FlagParser::value(Names names, std::function<void(const std::string&)> handle) {
  declare(names, {"", Kind::kValue, std::move(handle), nullptr});
}

void FlagParser::set_true(Names names, bool* out) {
  declare(names, {"", Kind::kNoValue, nullptr, [out] { *out = true; }});
}

void FlagParser::action(Names names, std::function<void()> print) {
  declare(names, {"", Kind::kAction, nullptr, std::move(print)});
}

std::string FlagParser::unknown_flag_message(const std::string& arg) const {
  std::vector<std::string> names;
  for (const auto& [name, index] : by_name_)
    if (name.rfind("--", 0) == 0) names.push_back(name);  // hint long names only: "-h" is near every short typo
  // Close enough to be a typo: at most 3 edits, and at most half the
  // candidate's letters (so "--hlep" suggests "--help", "--x" not "--lr").
  std::string best;
  size_t best_distance = 4;
  for (const std::string& n : names) {
    const size_t d = data::edit_distance(arg, n);
    if (d < best_distance && 2 * d <= n.size() - 2) best_distance = d, best = n;
  }
  return "unknown flag " + arg + (best.empty() ? "" : ", did you mean " + best + "?");
}

Parsed FlagParser::parse(int argc, const char* const* argv) {
  std::vector<bool> seen(flags_.size(), false);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto it = by_name_.find(arg);
    if (it == by_name_.end()) {
      if (arg.empty() || arg[0] != '-') throw UsageError("unexpected argument '" + arg + "' (every argument is a flag)");
      throw UsageError(unknown_flag_message(arg));
    }
    Flag& flag = flags_[it->second];
    if (flag.kind == Kind::kAction) {
      flag.act();
      return Parsed::kExit;
    }
    if (seen[it->second] && flag.kind != Kind::kRepeated)
      throw UsageError("flag " + flag.name + " given twice (it is not repeatable)");
    seen[it->second] = true;
    if (flag.kind == Kind::kNoValue) {
      flag.act();
      continue;
    }
    if (i + 1 >= argc) throw UsageError("flag " + arg + " needs a value");
    const std::string value = argv[++i];
    try {
      flag.handle(value);
    } catch (const UsageError&) {
      throw;
    } catch (const std::invalid_argument& e) {
      throw UsageError(arg + " " + value + ": " + e.what());
    } catch (const Error& e) {
      // A library's parser (a device name): its message without the throw site.
      throw UsageError(arg + " " + value + ": " + e.message());
    }
  }
  return Parsed::kRun;
}

int FlagParser::usage_error(const std::exception& e) const {
  const std::string message = e.what();
  const bool points_to_help = message.find("--help") != std::string::npos;
  std::fprintf(stderr, "%s: %s%s\n", tool_.c_str(), message.c_str(), points_to_help ? "" : " (see --help)");
  return kUsageExit;
}

}  // namespace grain::cli
