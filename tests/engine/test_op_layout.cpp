// The layout rule of the ops (docs/ARCHITECTURE.md, "Ops"), read from the
// sources: an op records its graph once, in <op>.cpp; each backend only
// computes. So no engine/ops/*.cu file records a node, reads the grad mode or
// calls cuda::after_op (GRAIN_DISPATCH does, in one place), and every CUDA
// backend function declared in an engine/ops header has its CPU twin of the
// same name (GRAIN_DISPATCH calls <name>_cpu or <name>_cuda with the same
// arguments).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kOps = fs::path(GRAIN_SOURCE_DIR) / "engine" / "ops";

// The file without its // comments (the rule is about code, and comments
// may name what the op records).
std::string code_of(const fs::path& file) {
  std::ifstream in(file);
  REQUIRE(in.good());
  std::ostringstream code;
  std::string line;
  while (std::getline(in, line)) code << line.substr(0, line.find("//")) << '\n';
  return code.str();
}

std::vector<fs::path> files_ending(const std::string& extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kOps))
    if (entry.path().extension() == extension) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("the CUDA halves of the ops only compute", "[ops][layout]") {
  const std::vector<fs::path> cu = files_ending(".cu");
  REQUIRE(cu.size() >= 15);
  for (const fs::path& file : cu) {
    const std::string code = code_of(file);
    for (const char* forbidden : {"record(", "needs_graph(", "after_op(", "engine/autograd.h", "GRAIN_CUDA_DISPATCH"}) {
      INFO(file.filename().string() << " contains " << forbidden
                                    << ": the node and the after-op check belong to the op's .cpp and GRAIN_DISPATCH");
      CHECK(code.find(forbidden) == std::string::npos);
    }
  }
}

TEST_CASE("every CUDA backend of an op has its CPU twin", "[ops][layout]") {
  const std::regex backend(R"(\bvoid\s+(\w+)_(cpu|cuda)\s*\()");
  int pairs = 0;
  for (const fs::path& header : files_ending(".h")) {
    const std::string code = code_of(header);
    std::set<std::string> cpu, cuda;
    for (auto it = std::sregex_iterator(code.begin(), code.end(), backend); it != std::sregex_iterator(); ++it)
      ((*it)[2] == "cpu" ? cpu : cuda).insert((*it)[1]);
    for (const std::string& name : cuda) {
      INFO(header.filename().string() << " declares " << name << "_cuda without " << name << "_cpu");
      CHECK(cpu.count(name) == 1);
    }
    for (const std::string& name : cpu) {
      INFO(header.filename().string() << " declares " << name << "_cpu without " << name << "_cuda");
      CHECK(cuda.count(name) == 1);
    }
    pairs += static_cast<int>(cuda.size());
  }
  CHECK(pairs >= 20);
}
