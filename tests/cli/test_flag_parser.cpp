// The flag parser of every tool (cli/flag_parser.h) on hand-written command lines.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/flag_parser.h"

using namespace grain::cli;
using Catch::Contains;
using Catch::Equals;

namespace {

// argv for parse(): argv[0] is the tool.
struct Argv {
  explicit Argv(std::vector<std::string> args) : strings(std::move(args)) {
    strings.insert(strings.begin(), "tool");
    for (const std::string& s : strings) pointers.push_back(s.c_str());
  }
  int argc() const { return static_cast<int>(pointers.size()); }
  const char* const* argv() const { return pointers.data(); }
  std::vector<std::string> strings;
  std::vector<const char*> pointers;
};

Parsed parse(FlagParser& flags, std::vector<std::string> args) {
  const Argv a(std::move(args));
  return flags.parse(a.argc(), a.argv());
}

std::string usage_message(FlagParser& flags, std::vector<std::string> args) {
  try {
    parse(flags, std::move(args));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

// The flags of a small tool.
struct Tool {
  Tool() {
    flags.text("--config", &config);
    flags.repeated("--set", &overrides);
    flags.integer({"--threads", "-j"}, &threads, 0, 1024);
    flags.integer("--runs", &runs, 2);
    flags.number("--lr", &lr, Bounds::above(0));
    flags.unsigned_integer("--seed", &seed);
    flags.choice({"--classes", "--class"}, &classes, {"categories", "groups"});
    flags.set_true("--quiet", &quiet);
  }
  FlagParser flags{"tool", "usage: tool --config FILE\n"};
  std::string config, classes = "categories";
  std::vector<std::string> overrides;
  int threads = 0;
  int64_t runs = 10;
  double lr = 0.001;
  uint64_t seed = 0;
  bool quiet = false;
};

}  // namespace

TEST_CASE("cli: values land in their variables; undeclared ones keep their defaults", "[cli]") {
  Tool t;
  CHECK(parse(t.flags, {"--config", "a.yaml", "-j", "3", "--lr", "1e-4", "--quiet", "--class", "groups",
                        "--seed", "18446744073709551615"}) == Parsed::kRun);
  CHECK(t.config == "a.yaml");
  CHECK(t.threads == 3);
  CHECK(t.lr == 1e-4);
  CHECK(t.quiet);
  CHECK(t.classes == "groups");
  CHECK(t.seed == 18446744073709551615ull);  // exact: not through a double
  CHECK(t.runs == 10);                       // not given: the default
  CHECK(t.overrides.empty());
  // A value that starts with '-' is still the flag's value.
  CHECK(parse(t.flags, {"--set", "-x"}) == Parsed::kRun);
  CHECK(t.overrides == std::vector<std::string>{"-x"});
}

TEST_CASE("cli: a repeatable flag keeps every value in order; another flag given twice is an error", "[cli]") {
  Tool t;
  parse(t.flags, {"--set", "a=1", "--config", "c", "--set", "b=2", "--set", "a=3"});
  CHECK(t.overrides == std::vector<std::string>{"a=1", "b=2", "a=3"});
  Tool u;
  CHECK_THAT(usage_message(u.flags, {"--config", "a", "--config", "b"}),
             Equals("flag --config given twice (it is not repeatable)"));
  Tool v;  // an alias is the same flag
  CHECK_THAT(usage_message(v.flags, {"--threads", "1", "-j", "2"}), Contains("flag --threads given twice"));
  Tool w;
  CHECK_THAT(usage_message(w.flags, {"--quiet", "--quiet"}), Contains("flag --quiet given twice"));
}

TEST_CASE("cli: an unknown flag names itself and the nearest declared flag", "[cli]") {
  Tool t;
  CHECK_THAT(usage_message(t.flags, {"--confg", "a.yaml"}), Equals("unknown flag --confg, did you mean --config?"));
  CHECK_THAT(usage_message(t.flags, {"--theads", "2"}), Equals("unknown flag --theads, did you mean --threads?"));
  CHECK_THAT(usage_message(t.flags, {"-config"}), Equals("unknown flag -config, did you mean --config?"));
  CHECK_THAT(usage_message(t.flags, {"--threads=2"}), Equals("unknown flag --threads=2, did you mean --threads?"));
  CHECK_THAT(usage_message(t.flags, {"--hlep"}), Equals("unknown flag --hlep, did you mean --help?"));
  // Nothing close: no hint (4 edits away, and "--x" is not a typo of "--lr").
  CHECK_THAT(usage_message(t.flags, {"--frobnicate"}), Equals("unknown flag --frobnicate"));
  CHECK_THAT(usage_message(t.flags, {"--x"}), Equals("unknown flag --x"));
  CHECK_THAT(usage_message(t.flags, {"config.yaml"}), Contains("unexpected argument 'config.yaml'"));
}

TEST_CASE("cli: a flag at the end of the line without its value", "[cli]") {
  Tool t;
  CHECK_THAT(usage_message(t.flags, {"--quiet", "--config"}), Equals("flag --config needs a value"));
  CHECK_THAT(usage_message(t.flags, {"-j"}), Equals("flag -j needs a value"));
}

TEST_CASE("cli: numbers are checked whole and against their bounds, the message naming flag and value", "[cli]") {
  Tool t;
  CHECK_THAT(usage_message(t.flags, {"--runs", "1"}), Equals("--runs 1: expected an integer >= 2"));
  CHECK_THAT(usage_message(t.flags, {"--threads", "1025"}), Equals("--threads 1025: expected an integer in [0, 1024]"));
  CHECK_THAT(usage_message(t.flags, {"--threads", "-1"}), Contains("expected an integer in [0, 1024]"));
  CHECK_THAT(usage_message(t.flags, {"--threads", "2.5"}), Contains("--threads 2.5: expected an integer"));
  CHECK_THAT(usage_message(t.flags, {"--threads", "3x"}), Contains("--threads 3x: expected an integer"));
  CHECK_THAT(usage_message(t.flags, {"--threads", ""}), Contains("--threads : expected an integer"));
  CHECK_THAT(usage_message(t.flags, {"--lr", "0"}), Equals("--lr 0: expected a number > 0"));
  CHECK_THAT(usage_message(t.flags, {"--lr", "nan"}), Equals("--lr nan: expected a number > 0"));
  CHECK_THAT(usage_message(t.flags, {"--lr", "inf"}), Equals("--lr inf: expected a number > 0"));
  CHECK_THAT(usage_message(t.flags, {"--seed", "-1"}), Contains("--seed -1: expected an unsigned integer"));
  CHECK_THAT(usage_message(t.flags, {"--seed", "18446744073709551616"}), Contains("expected an unsigned integer"));
  CHECK_THAT(usage_message(t.flags, {"--classes", "x"}), Equals("--classes x: expected categories or groups"));
  // The ends themselves are allowed.
  Tool u;
  parse(u.flags, {"--threads", "1024", "--runs", "2", "--lr", "5e-324"});
  CHECK(u.threads == 1024);
  CHECK(u.runs == 2);
  CHECK(Bounds::between(1, 100).describe() == "in [1, 100]");
  CHECK(Bounds::at_least(0).describe() == ">= 0");
  CHECK(parse_number("--x", "-2.5", Bounds::between(-3, 0)) == -2.5);
  CHECK_THROWS_AS(parse_number("--x", " 1", {}), UsageError);  // no leading space
  // An int flag holds no more than an int: no silent wrap-around.
  FlagParser narrow("tool", "usage\n");
  int small = 0;
  narrow.integer("--n", &small, 0);
  CHECK_THAT(usage_message(narrow, {"--n", "2147483648"}), Equals("--n 2147483648: expected an integer in [0, 2147483647]"));
}

TEST_CASE("cli: a tool's own value parser; its message is prefixed with the flag and value", "[cli]") {
  FlagParser flags("tool", "usage\n");
  std::vector<int> shots;
  flags.value("--shots", [&](const std::string& v) {
    if (v != "1,5") throw std::invalid_argument("expected positive integers separated by commas");
    shots = {1, 5};
  });
  CHECK_THAT(usage_message(flags, {"--shots", "0"}), Equals("--shots 0: expected positive integers separated by commas"));
  parse(flags, {"--shots", "1,5"});
  CHECK(shots == std::vector<int>{1, 5});
}

TEST_CASE("cli: --help and action flags end parsing with Parsed::kExit", "[cli]") {
  Tool t;
  CHECK(parse(t.flags, {"--quiet", "--help", "--frobnicate"}) == Parsed::kExit);  // left to right: help before the bad flag
  CHECK(parse(t.flags, {"-h"}) == Parsed::kExit);
  int listed = 0;
  FlagParser flags("tool", "usage\n");
  flags.action("--list-stages", [&] { ++listed; });
  CHECK(parse(flags, {"--list-stages"}) == Parsed::kExit);
  CHECK(listed == 1);
  CHECK(parse(flags, {}) == Parsed::kRun);
  Tool u;
  CHECK_THROWS_AS(parse(u.flags, {"--frobnicate", "--help"}), UsageError);
  CHECK(t.flags.usage() == "usage: tool --config FILE\n");
  CHECK(usage_message(u.flags, {}) == "(no error)");
  CHECK(kUsageExit == 2);
  CHECK(t.flags.usage_error(UsageError("bad")) == 2);
}

TEST_CASE("cli: declaring a name twice is a programming error", "[cli]") {
  FlagParser flags("tool", "usage\n");
  bool a = false;
  flags.set_true("--quiet", &a);
  CHECK_THROWS_AS(flags.set_true({"--silent", "--quiet"}, &a), std::logic_error);
  CHECK_THROWS_AS(flags.set_true("-h", &a), std::logic_error);  // --help / -h are every tool's
  CHECK_THROWS_AS(flags.set_true("quiet", &a), std::logic_error);
}
