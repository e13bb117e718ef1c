// Tests driven by the op case table: coverage of the op list, finite-
// difference gradients in float64, and float32 agreeing with float64.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "engine/autograd.h"
#include "engine/ops/op_list.h"
#include "tests/engine/gradcheck.h"
#include "tests/engine/op_cases.h"

using namespace grain;
using namespace grain::testing;

TEST_CASE("every op in the op list has at least one test case", "[ops]") {
  std::set<std::string> covered;
  for (const OpCase& c : op_cases()) covered.insert(c.op);
  for (const std::string& op : op_names()) {
    INFO("op " << op << " has no case in tests/engine/op_cases.cpp");
    CHECK(covered.count(op) == 1);
  }
  // And no case names an op that is not in the list.
  const std::vector<std::string> names = op_names();
  for (const std::string& op : covered) {
    INFO("case for unknown op " << op);
    CHECK(std::find(names.begin(), names.end(), op) != names.end());
  }
}

TEST_CASE("finite-difference gradient check of every op case in float64", "[ops][gradcheck]") {
  int total = 0;
  for (const OpCase& c : op_cases()) {
    std::vector<Tensor> inputs = make_inputs(c, DType::kFloat64, 42);
    for (size_t k = 0; k < inputs.size(); ++k)
      if (c.inputs[k].differentiable()) inputs[k].set_requires_grad(true);
    const GradcheckResult r = gradcheck(c.op + " (" + c.label + ")", c.run, inputs, 1e-6, c.grad_atol, c.grad_rtol);
    INFO(r.message);
    CHECK(r.ok);
    total += r.checked;
  }
  CHECK(total > 1000);
}

TEST_CASE("float32 results agree with float64 within float32 rounding", "[ops][dtype]") {
  for (const OpCase& c : op_cases()) {
    const std::vector<Tensor> y32 = c.run(make_inputs(c, DType::kFloat32, 7));
    const std::vector<Tensor> y64 = c.run(make_inputs(c, DType::kFloat64, 7));
    REQUIRE(y32.size() == y64.size());
    for (size_t j = 0; j < y32.size(); ++j) {
      CHECK(y32[j].dtype() == DType::kFloat32);
      CHECK(y64[j].dtype() == DType::kFloat64);
      REQUIRE(y32[j].shape() == y64[j].shape());
      const std::vector<double> a = y32[j].to_vector(), b = y64[j].to_vector();
      for (size_t i = 0; i < a.size(); ++i) {
        INFO(c.op << " (" << c.label << ") output " << j << " element " << i << ": float32 " << a[i] << " float64 "
                  << b[i]);
        REQUIRE(std::fabs(a[i] - b[i]) <= c.f32_atol + c.f32_rtol * std::fabs(b[i]));
      }
    }
  }
}

TEST_CASE("a wrong gradient is caught by the checker", "[gradcheck]") {
  // A deliberately wrong backward (dx = 2 dy for y = x) must fail.
  auto run = [](const std::vector<Tensor>& x) {
    Tensor y = x[0].clone();
    grain::record("broken", {x[0]}, y, [](const Tensor& dy, const std::vector<bool>&) {
      Tensor d = dy.clone();
      for (int64_t i = 0; i < d.numel(); ++i) d.data<double>()[i] *= 2;
      return std::vector<Tensor>{d};
    });
    return std::vector<Tensor>{y};
  };
  Tensor x = Tensor::uniform({3}, -1, 1, 5, DType::kFloat64);
  x.set_requires_grad(true);
  const GradcheckResult r = gradcheck("broken", run, {x});
  CHECK_FALSE(r.ok);
  CHECK(r.message.find("broken: input 0") != std::string::npos);
}
