// The layer rule of docs/ARCHITECTURE.md, enforced on the includes.
//
// tools -> experiments -> train -> models -> layers -> engine -> kernels, with
// data/ beside (engine-free). Each folder is a library that links only
// downwards, but every target sees the repository root, so a wrong include of
// a header-only file would still compile. This test reads every source file's
// `#include "..."` lines under the folders of kLayers (the source tree's path
// comes from CMake, GRAIN_SOURCE_DIR, so it runs from any build folder and
// reads the files as they are now, not as they were when it was built) and
// fails on each include that breaks the table, naming the file, the line and
// the rule. tests/ and bench/ may include anything and are not read.
//
// An include is resolved as the compiler does: first next to the including
// file ("random.h" in data/synth), then from the repository root.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/common/temp_dir.h"

#ifndef GRAIN_SOURCE_DIR
#error "GRAIN_SOURCE_DIR (the repository root) must be defined by tests/layering/CMakeLists.txt"
#endif

namespace fs = std::filesystem;

namespace {

// One row of the table: the files under `folder` may include only paths that
// start with one of `may_include` (a folder, ending in '/', or one file).
struct Layer {
  std::string folder;
  std::vector<std::string> may_include;
  std::string rule;  // the row in words, for the failure message
};

// The table (docs/ARCHITECTURE.md, "Layers of the code and the dependency rule").
const std::vector<Layer> kLayers = {
    {"kernels", {"kernels/"}, "kernels/ may include only kernels/"},
    {"engine", {"engine/", "kernels/"}, "engine/ may include only engine/ and kernels/"},
    {"data",
     {"data/", "kernels/counter_rng.h", "kernels/error.h", "kernels/sha256.h"},
     "data/ is engine-free: it may include data/ and, of kernels/, only the header-only counter_rng.h, error.h and "
     "sha256.h"},
    {"layers", {"layers/", "engine/", "kernels/"}, "layers/ may include only layers/, engine/ and kernels/"},
    // Model I/O reads and writes safetensors (data/formats), which uses data/common.
    {"models",
     {"models/", "layers/", "engine/", "kernels/", "data/formats/", "data/common/"},
     "models/ may include only models/, layers/, engine/, kernels/, data/formats/ and data/common/"},
    {"train",
     {"train/", "models/", "layers/", "engine/", "kernels/", "data/"},
     "train/ may include only train/, models/ and below, and data/"},
    {"experiments",
     {"experiments/", "train/", "models/", "layers/", "engine/", "kernels/", "data/"},
     "experiments/ may include only experiments/, train/ and below, and data/"},
    // The command-line flag library the tools share.
    {"cli", {"cli/", "data/common/"}, "cli/ may include only cli/ and data/common/"},
    {"tools",
     {"tools/", "cli/", "experiments/", "train/", "models/", "layers/", "engine/", "kernels/", "data/"},
     "tools/ may include every library folder (never tests/ or bench/)"},
};

// Top-level folders with a CMakeLists.txt that the table leaves free.
const std::vector<std::string> kUnconstrained = {"tests", "bench"};

// Includes that break the table on purpose, each with its reason. A listed
// include that no longer occurs fails too, so the list cannot go stale.
struct Exception {
  std::string file;     // the including file, from the repository root
  std::string include;  // the included file, resolved, from the repository root
  std::string reason;
};
const std::vector<Exception> kExceptions = {};  // none: the tree keeps the table

struct Violation {
  std::string file;
  int line;
  std::string include;  // as written
  std::string resolved;
  std::string rule;
};

std::string describe(const Violation& v) {
  std::ostringstream s;
  s << v.file << ":" << v.line << ": #include \"" << v.include << "\"";
  if (v.resolved != v.include) s << " (" << v.resolved << ")";
  s << " breaks the layer rule: " << v.rule;
  return s.str();
}

bool is_source(const fs::path& p) {
  static const std::vector<std::string> kExtensions = {".h", ".hpp", ".cpp", ".cc", ".cu", ".cuh"};
  return std::find(kExtensions.begin(), kExtensions.end(), p.extension().string()) != kExtensions.end();
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool allowed(const Layer& layer, const std::string& resolved) {
  for (const std::string& p : layer.may_include)
    if (p.back() == '/' ? starts_with(resolved, p) : resolved == p) return true;
  return false;
}

// `include` as written in `file` (both from the root), resolved to a path from
// the root: next to the file when it exists there, else from the root.
std::string resolve(const fs::path& root, const std::string& file, const std::string& include) {
  const fs::path beside = (fs::path(file).parent_path() / include).lexically_normal();
  if (fs::exists(root / beside)) return beside.generic_string();
  return fs::path(include).lexically_normal().generic_string();
}

struct Scan {
  std::vector<Violation> violations;
  int files = 0;
  int includes = 0;
};

// Reads every source file of the table's folders under `root` and lists the
// includes that break the table and are not in `exceptions`.
Scan scan(const fs::path& root, const std::vector<Layer>& layers) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*"([^"]+)\")");
  Scan result;
  for (const Layer& layer : layers) {
    const fs::path dir = root / layer.folder;
    if (!fs::is_directory(dir)) continue;  // cli/ may not exist yet
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
      if (entry.is_regular_file() && is_source(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& path : files) {
      const std::string file = path.lexically_relative(root).generic_string();
      std::ifstream in(path);
      REQUIRE(in.good());
      ++result.files;
      std::string text;
      int line = 0;
      while (std::getline(in, text)) {
        ++line;
        std::smatch m;
        if (!std::regex_search(text, m, kInclude)) continue;
        ++result.includes;
        const std::string include = m[1];
        const std::string resolved = resolve(root, file, include);
        if (!allowed(layer, resolved)) result.violations.push_back({file, line, include, resolved, layer.rule});
      }
    }
  }
  return result;
}

// The violations not covered by `exceptions`; `unused` gets the exceptions that matched nothing.
std::vector<Violation> without_exceptions(const std::vector<Violation>& violations,
                                          const std::vector<Exception>& exceptions, std::vector<Exception>& unused) {
  std::vector<Violation> left;
  std::vector<bool> used(exceptions.size(), false);
  for (const Violation& v : violations) {
    bool excepted = false;
    for (size_t i = 0; i < exceptions.size(); ++i)
      if (exceptions[i].file == v.file && exceptions[i].include == v.resolved) excepted = used[i] = true;
    if (!excepted) left.push_back(v);
  }
  for (size_t i = 0; i < exceptions.size(); ++i)
    if (!used[i]) unused.push_back(exceptions[i]);
  return left;
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("layering: every include of the source tree keeps the layer table", "[layering]") {
  const fs::path root = GRAIN_SOURCE_DIR;
  REQUIRE(fs::is_regular_file(root / "docs" / "ARCHITECTURE.md"));
  const Scan s = scan(root, kLayers);
  // A scan that read nothing would pass for the wrong reason.
  CHECK(s.files > 100);
  CHECK(s.includes > 500);
  std::vector<Exception> unused;
  for (const Violation& v : without_exceptions(s.violations, kExceptions, unused)) FAIL_CHECK(describe(v));
  for (const Exception& e : unused)
    FAIL_CHECK("tests/layering: the exception " << e.file << " -> " << e.include
                                                << " matches no include any more; remove it");
}

TEST_CASE("layering: every top-level folder of the build is in the table or left free on purpose", "[layering]") {
  const fs::path root = GRAIN_SOURCE_DIR;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.front() == '.' || !fs::exists(entry.path() / "CMakeLists.txt")) continue;
    if (fs::exists(entry.path() / "CMakeCache.txt")) continue;  // a build folder inside the checkout
    const bool in_table =
        std::any_of(kLayers.begin(), kLayers.end(), [&](const Layer& l) { return l.folder == name; });
    const bool free = std::find(kUnconstrained.begin(), kUnconstrained.end(), name) != kUnconstrained.end();
    if (!in_table && !free)
      FAIL_CHECK(name << "/ builds code but has no row in tests/layering's table (nor docs/ARCHITECTURE.md's)");
  }
}

TEST_CASE("layering: the checker finds a wrong include and names file, line and rule", "[layering]") {
  grain::testing::TempDir tree("layering");
  write(tree / "kernels/counter_rng.h", "#pragma once\n#include \"kernels/other.h\"\n");
  write(tree / "engine/tensor.h", "#pragma once\n");
  write(tree / "data/synth/random.h", "#pragma once\n#include \"kernels/counter_rng.h\"\n");
  // Allowed: a file beside the includer, the two kernels headers data may use.
  write(tree / "data/synth/scene.cpp", "#include \"random.h\"\n#include <vector>\n#include \"kernels/error.h\"\n");
  // Wrong: the engine from data (line 3), even spelt relatively (line 4).
  write(tree / "data/loader/loader.cpp",
        "// #include \"engine/tensor.h\" in a comment is not an include\n#include \"data/synth/random.h\"\n"
        "  #  include \"engine/tensor.h\"\n#include \"../../engine/tensor.h\"\n");
  // Wrong: a kernels header data may not use; models above data/common and data/formats.
  write(tree / "data/common/blas.cpp", "#include \"kernels/cpu/gemm.h\"\n");
  write(tree / "models/encoder.cpp", "#include \"layers/conv.h\"\n#include \"data/loader/batch.h\"\n");
  write(tree / "layers/conv.h", "#include \"models/encoder.h\"\n");

  const Scan s = scan(tree.path(), kLayers);
  CHECK(s.files == 8);
  std::vector<std::string> found;
  for (const Violation& v : s.violations) found.push_back(describe(v));
  const std::vector<std::string> expected = {
      "data/common/blas.cpp:1: #include \"kernels/cpu/gemm.h\" breaks the layer rule: " + kLayers[2].rule,
      "data/loader/loader.cpp:3: #include \"engine/tensor.h\" breaks the layer rule: " + kLayers[2].rule,
      "data/loader/loader.cpp:4: #include \"../../engine/tensor.h\" (engine/tensor.h) breaks the layer rule: " +
          kLayers[2].rule,
      "layers/conv.h:1: #include \"models/encoder.h\" breaks the layer rule: " + kLayers[3].rule,
      "models/encoder.cpp:2: #include \"data/loader/batch.h\" breaks the layer rule: " + kLayers[4].rule,
  };
  CHECK(found == expected);

  // An exception silences its include only, and one that matches nothing is reported.
  std::vector<Exception> unused;
  const std::vector<Violation> left = without_exceptions(
      s.violations, {{"layers/conv.h", "models/encoder.h", "test"}, {"tools/x.cpp", "tests/y.h", "test"}}, unused);
  CHECK(left.size() == expected.size() - 1);
  REQUIRE(unused.size() == 1);
  CHECK(unused[0].file == "tools/x.cpp");
}
