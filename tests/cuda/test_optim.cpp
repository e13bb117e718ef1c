// The CUDA optimizer steps over flat buffers (engine/cuda/flat_optim.h)
// against engine/optim's CPU Adam and grad_norm on the same ParameterStore
// contents, a frozen parameter included (its range must stay untouched).
#include <catch2/catch.hpp>

#include "engine/cuda/flat_optim.h"
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
}  // namespace

TEST_CASE("CUDA Adam steps and gradient norm match engine/optim on the CPU", "[optim][cuda]") {
  ParameterStore cpu = make_store(Device::cpu());
  ParameterStore gpu = make_store(Device::cuda());
  AdamOptions options;
  options.lr = 1e-2, options.weight_decay = 1e-3;
  Adam adam(cpu, options);
  const Tensor m = Tensor::zeros({gpu.size()}, DType::kFloat32, Device::cuda());
  const Tensor v = Tensor::zeros({gpu.size()}, DType::kFloat32, Device::cuda());
  for (int64_t step = 1; step <= 3; ++step) {
    adam.step();
    cuda::adam_step(gpu.values(), gpu.gradients(), m, v, gpu.trainable_ranges(), options.lr, options.beta1,
                    options.beta2, options.eps, options.weight_decay, step);
  }
  const Comparison c = compare(cpu.values(), gpu.values(), 1e-6, 1e-5, "parameters after 3 Adam steps");
  INFO(c.message);
  CHECK(c.ok);
  const double norm_cpu = grad_norm(cpu), norm_gpu = cuda::grad_norm(gpu.gradients(), gpu.trainable_ranges());
  CHECK(norm_gpu == Approx(norm_cpu).epsilon(1e-6));
}
