// CPU float32 vs CUDA float32 (TF32 off) for every case of the shared op
// table (tests/engine/op_cases.h): forward outputs and the gradient of every
// differentiable input, under the case's |a - b| <= atol + rtol |ref|. The
// CUDA run starts with allocation poisoning on (test_main.cpp), so an element
// a kernel forgets to write is NaN and fails. Also a TF32 conv3d check: the
// cuDNN 9.10-9.15 3D TF32 kernel bug gave wrong answers, not small ones.
#include <catch2/catch.hpp>

#include <map>

#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/ops/binary.h"
#include "engine/ops/conv.h"
#include "engine/ops/reduce.h"
#include "tests/cuda/test_support.h"
#include "tests/engine/op_cases.h"

using namespace grain;
using namespace grain::cuda_test;
using grain::testing::OpCase;

namespace {

struct RunResult {
  std::vector<Tensor> outputs;  // CPU copies
  std::vector<Tensor> grads;    // CPU copies, undefined for non-differentiable inputs
};

// loss = sum_j sum(r_j * y_j) with fixed random r_j (the same on both devices).
RunResult run_case(const OpCase& c, const std::vector<Tensor>& cpu_inputs, Device device) {
  std::vector<Tensor> inputs;
  for (size_t k = 0; k < cpu_inputs.size(); ++k) {
    Tensor t = cpu_inputs[k].clone().to(device);
    if (c.inputs[k].differentiable()) t.set_requires_grad(true);
    inputs.push_back(t);
  }
  const std::vector<Tensor> outputs = c.run(inputs);
  Tensor loss;
  for (size_t j = 0; j < outputs.size(); ++j) {
    if (!outputs[j].requires_grad()) continue;
    const Tensor r = Tensor::uniform(outputs[j].shape(), -1, 1, 1000 + j).to(device);
    const Tensor term = sum(mul(outputs[j], r));
    loss = loss.defined() ? add(loss, term) : term;
  }
  if (loss.defined()) loss.backward();
  RunResult result;
  for (const Tensor& y : outputs) result.outputs.push_back(y.detach().to(Device::cpu()));
  for (size_t k = 0; k < inputs.size(); ++k)
    result.grads.push_back(c.inputs[k].differentiable() && inputs[k].grad().defined() ? inputs[k].grad().to(Device::cpu())
                                                                                     : Tensor());
  return result;
}

}  // namespace

TEST_CASE("every op case: CUDA float32 matches CPU float32 (TF32 off)", "[parity][cuda]") {
  cuda::Tf32Scope no_tf32(false);
  std::map<std::string, int> failures;
  for (const OpCase& c : grain::testing::op_cases()) {
    const std::string name = c.op + " (" + c.label + ")";
    for (uint64_t seed : {1u, 2u}) {
      const std::vector<Tensor> inputs = grain::testing::make_inputs(c, DType::kFloat32, seed);
      RunResult cpu, gpu;
      try {
        cpu = run_case(c, inputs, Device::cpu());
        gpu = run_case(c, inputs, Device::cuda());
      } catch (const std::exception& e) {
        INFO(name << ": " << e.what());
        CHECK(false);
        ++failures[c.op];
        continue;
      }
      REQUIRE(cpu.outputs.size() == gpu.outputs.size());
      for (size_t j = 0; j < cpu.outputs.size(); ++j) {
        const Comparison r = compare(cpu.outputs[j], gpu.outputs[j], c.cuda_atol, c.cuda_rtol,
                                     name + " output " + std::to_string(j));
        INFO(r.message);
        CHECK(r.ok);
        if (!r.ok) ++failures[c.op];
      }
      for (size_t k = 0; k < cpu.grads.size(); ++k) {
        if (!cpu.grads[k].defined() && !gpu.grads[k].defined()) continue;
        INFO(name << " input " << k << ": gradient defined on cpu " << cpu.grads[k].defined() << ", cuda "
                  << gpu.grads[k].defined());
        REQUIRE((cpu.grads[k].defined() && gpu.grads[k].defined()));
        const Comparison r = compare(cpu.grads[k], gpu.grads[k], c.cuda_atol, c.cuda_rtol,
                                     name + " d input " + std::to_string(k));
        INFO(r.message);
        CHECK(r.ok);
        if (!r.ok) ++failures[c.op];
      }
    }
  }
  for (const auto& [op, n] : failures) WARN("parity failures in op " << op << ": " << n);
}

TEST_CASE("conv3d with TF32 on stays within TF32 rounding of the CPU", "[parity][cuda][tf32]") {
  // Encoder-like shape with enough channels for tensor-core kernels.
  const Tensor x = Tensor::uniform({2, 6, 12, 12, 32}, -1, 1, 5);
  const Tensor w = Tensor::uniform({64, 3, 3, 3, 32}, -0.1, 0.1, 6);
  const Tensor b = Tensor::uniform({64}, -0.1, 0.1, 7);
  Conv3dParams p;
  p.padding = {1, 1, 1};
  const Tensor ref = conv3d(x, w, b, p);
  for (bool tf32 : {false, true}) {
    cuda::Tf32Scope scope(tf32);
    const Tensor got = conv3d(x.to(Device::cuda()), w.to(Device::cuda()), b.to(Device::cuda()), p);
    // TF32 keeps 10 mantissa bits: sums of 864 products of size ~0.1 stay within ~1e-2.
    const Comparison r = compare(ref, got, tf32 ? 2e-2 : 1e-4, tf32 ? 1e-2 : 1e-4,
                                 std::string("conv3d ") + (tf32 ? "TF32" : "FP32"));
    INFO(r.message);
    CHECK(r.ok);
  }
}
