// gradcheck_demo: checks the gradient of every op case of the shared table
// (op_cases.cpp beside it) against central finite differences in float64
// and prints one line per case: the gradient tests of this folder, shown as
// a table. Exit status 1 if any case fails.
//   build/bin/gradcheck_demo [--filter SUBSTRING]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/error.h"
#include "tests/engine/gradcheck.h"
#include "tests/engine/op_cases.h"

using namespace grain;
using namespace grain::testing;

int main(int argc, char** argv) {
  std::string filter;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--filter") == 0 && i + 1 < argc) {
      filter = argv[++i];
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf("usage: gradcheck_demo [--filter SUBSTRING]\n"
                  "Checks every op case's gradients against central finite differences\n"
                  "(float64, eps 1e-6, |a - n| <= 1e-5 + 1e-3 |n|) and prints a table.\n");
      return 0;
    } else {
      std::fprintf(stderr, "gradcheck_demo: unknown argument '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  int cases = 0, failures = 0;
  long elements = 0;
  std::printf("%-14s %-44s %9s %12s  %s\n", "op", "case", "elements", "max |error|", "result");
  for (const OpCase& c : op_cases()) {
    if (!filter.empty() && (c.op + " " + c.label).find(filter) == std::string::npos) continue;
    try {
      std::vector<Tensor> inputs = make_inputs(c, DType::kFloat64, 42);
      for (size_t k = 0; k < inputs.size(); ++k)
        if (c.inputs[k].differentiable()) inputs[k].set_requires_grad(true);
      const GradcheckResult r = gradcheck(c.op, c.run, inputs, 1e-6, c.grad_atol, c.grad_rtol);
      std::printf("%-14s %-44s %9d %12.2e  %s\n", c.op.c_str(), c.label.c_str(), r.checked, r.max_abs_error,
                  r.ok ? "ok" : r.message.c_str());
      failures += !r.ok;
      elements += r.checked;
    } catch (const Error& e) {
      std::printf("%-14s %-44s %9s %12s  error: %s\n", c.op.c_str(), c.label.c_str(), "-", "-", e.what());
      ++failures;
    }
    ++cases;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\n%d cases, %ld gradient elements checked, %d failed (%.1f s)\n", cases, elements, failures, seconds);
  return failures ? 1 : 0;
}
