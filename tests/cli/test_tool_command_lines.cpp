// Every tool's command line through the one flag parser: --help prints the
// usage text and exits 0; a misspelt flag exits 2 with the nearest flag named.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {

struct Outcome {
  int status = -1;
  std::string output;  // stdout and stderr together
};

Outcome run(const std::string& command) {
  Outcome o;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) o.output.append(buffer, n);
  const int status = ::pclose(pipe);
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

struct ToolCase {
  const char* binary;
  const char* usage_start;  // the first words of its usage text
  const char* misspelt;     // a command line with one misspelt flag
  const char* hint;         // the flag the message must suggest
  const char* value_flag;   // a flag that takes a value
};

const ToolCase kTools[] = {
    {GRAIN_TRAINER_BINARY, "usage: trainer", "--confg run.yaml", "did you mean --config?", "--config"},
    {GRAIN_EVALUATE_BINARY, "usage: evaluate", "--dataset d --predictons p.jsonl", "did you mean --predictions?", "--dataset"},
    {GRAIN_TRANSFER_BINARY, "usage: transfer", "--chekpoint random --target t", "did you mean --checkpoint?", "--target"},
    {GRAIN_REPRODUCE_BINARY, "usage: reproduce", "--prest smoke", "did you mean --preset?", "--preset"},
    {GRAIN_MAKE_DATASET_BINARY, "usage: make_dataset", "--knd synth-ss --out o", "did you mean --kind?", "--kind"},
    {GRAIN_PACK_DATASET_BINARY, "usage: pack_dataset", "--dta d --out o", "did you mean --data?", "--data"},
};

}  // namespace

TEST_CASE("tools: --help prints the usage on stdout and exits 0", "[cli][tools]") {
  for (const ToolCase& t : kTools) {
    INFO(t.binary);
    const Outcome help = run(std::string(t.binary) + " --help 2>/dev/null");
    CHECK(help.status == 0);
    CHECK(help.output.rfind(t.usage_start, 0) == 0);
    CHECK(run(std::string(t.binary) + " -h").status == 0);
  }
}

TEST_CASE("tools: a misspelt flag exits 2 naming the flag and the nearest one", "[cli][tools]") {
  for (const ToolCase& t : kTools) {
    INFO(t.binary << " " << t.misspelt);
    const Outcome bad = run(std::string(t.binary) + " " + t.misspelt);
    CHECK(bad.status == 2);
    CHECK_THAT(bad.output, Catch::Contains(t.hint) && Catch::Contains("unknown flag"));
  }
}

TEST_CASE("tools: a flag without its value and a bad number exit 2", "[cli][tools]") {
  for (const ToolCase& t : kTools) {
    INFO(t.binary);
    const Outcome missing = run(std::string(t.binary) + " " + t.value_flag);
    CHECK(missing.status == 2);
    CHECK_THAT(missing.output, Catch::Contains(std::string("flag ") + t.value_flag + " needs a value"));
  }
  CHECK(run(std::string(GRAIN_TRANSFER_BINARY) + " --checkpoint random --target t --runs 1").status == 2);
  CHECK(run(std::string(GRAIN_MAKE_DATASET_BINARY) + " --kind synth-ss --out o --crf 64").status == 2);
  CHECK(run(std::string(GRAIN_PACK_DATASET_BINARY) + " --data d --out o --fps 0").status == 2);
  CHECK(run(std::string(GRAIN_EVALUATE_BINARY) + " --dataset d --predictions p --classes x").status == 2);
  CHECK(run(std::string(GRAIN_REPRODUCE_BINARY) + " --preset smoke --threads -1").status == 2);
  CHECK(run(std::string(GRAIN_TRAINER_BINARY) + " --config c.yaml --device").status == 2);
}
