// The optimizers on a CUDA ParameterStore (engine/optim/optimizer.cu, reached
// through the same public Adam, Sgd, grad_norm and clip_grad_norm) against
// the CPU loops on the same contents, a frozen parameter included (its range
// must stay untouched). Tolerance: float32 kernels vs float32 CPU loops with
// the same arithmetic order, atol 1e-6 + rtol 1e-5 per element.
#include <catch2/catch.hpp>

#include "engine/optim/optimizer.h"
#include "engine/parameters.h"
#include "tests/cuda/test_support.h"

using namespace grain;
using namespace grain::cuda_test;

namespace {
ParameterStore make_store(Device device) {
  ParameterStore store;
  store.declare("a.weight", {37, 29});
  store.declare("a.bias", {37});
  store.declare("frozen.weight", {300});
  store.declare("b.weight", {1001});
  store.materialize(device);
  store.set_frozen("frozen.", true);
  store.values().copy_from(Tensor::uniform({store.size()}, -1, 1, 31).to(device));
  store.gradients().copy_from(Tensor::uniform({store.size()}, -1, 1, 32).to(device));
  return store;
}

void check_same_values(const ParameterStore& cpu, const ParameterStore& gpu, const char* what) {
  const Comparison c = compare(cpu.values(), gpu.values(), 1e-6, 1e-5, what);
  INFO(c.message);
  CHECK(c.ok);
}
}  // namespace

TEST_CASE("CUDA Adam steps and gradient norm match engine/optim on the CPU", "[optim][cuda]") {
  ParameterStore cpu = make_store(Device::cpu());
  ParameterStore gpu = make_store(Device::cuda());
  AdamOptions options;
  options.lr = 1e-2, options.weight_decay = 1e-3;
  Adam adam_cpu(cpu, options), adam_gpu(gpu, options);
  for (int step = 1; step <= 3; ++step) {
    adam_cpu.step();
    adam_gpu.step();
  }
  check_same_values(cpu, gpu, "parameters after 3 Adam steps");
  CHECK(grad_norm(gpu) == Approx(grad_norm(cpu)).epsilon(1e-6));
}

TEST_CASE("CUDA SGD with momentum and gradient clipping match engine/optim on the CPU", "[optim][cuda]") {
  ParameterStore cpu = make_store(Device::cpu());
  ParameterStore gpu = make_store(Device::cuda());
  SgdOptions options;
  options.lr = 1e-1, options.momentum = 0.9, options.weight_decay = 1e-4;
  Sgd sgd_cpu(cpu, options), sgd_gpu(gpu, options);
  for (int step = 1; step <= 3; ++step) {
    // The trainable gradients (2,111 values of U(-1, 1)) have a norm near 26.5: 1.0 clips.
    const double norm_cpu = clip_grad_norm(cpu, 1.0), norm_gpu = clip_grad_norm(gpu, 1.0);
    CHECK(norm_gpu == Approx(norm_cpu).epsilon(1e-6));
    sgd_cpu.step();
    sgd_gpu.step();
  }
  CHECK(grad_norm(gpu) == Approx(1.0).epsilon(1e-5));
  check_same_values(cpu, gpu, "parameters after 3 clipped SGD steps");
}
