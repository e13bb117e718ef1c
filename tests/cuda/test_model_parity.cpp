// The miniature encoder + decoder on both backends, same weights and input:
// the loss and every parameter gradient agree (TF32 off).
#include <catch2/catch.hpp>

#include "engine/cuda/context.h"
#include "tests/cuda/mini_model.h"
#include "tests/cuda/test_support.h"

using namespace grain;
using namespace grain::cuda_test;

namespace {
void check_model_parity(bool with_lstm) {
  cuda::Tf32Scope no_tf32(false);
  MiniModel cpu = make_mini_model(Device::cpu(), with_lstm);
  MiniModel gpu = make_mini_model(Device::cuda(), with_lstm);
  const Tensor loss_cpu = mini_model_loss(cpu, with_lstm);
  const Tensor loss_gpu = mini_model_loss(gpu, with_lstm);
  loss_cpu.backward();
  loss_gpu.backward();
  const Comparison l = compare(loss_cpu, loss_gpu, 1e-5, 1e-4, "loss");
  INFO(l.message);
  CHECK(l.ok);
  for (size_t i = 0; i < cpu.params.size(); ++i) {
    const Comparison g = compare(cpu.params[i].grad(), gpu.params[i].grad(), 1e-4, 1e-3,
                                 "gradient of parameter " + std::to_string(i));
    INFO(g.message);
    CHECK(g.ok);
  }
  for (size_t i = 0; i < cpu.buffers.size(); ++i) {
    const Comparison b = compare(cpu.buffers[i], gpu.buffers[i], 1e-5, 1e-4, "running statistic " + std::to_string(i));
    INFO(b.message);
    CHECK(b.ok);
  }
}
}  // namespace

TEST_CASE("miniature encoder + decoder: CUDA loss and gradients match the CPU", "[model][cuda]") {
  check_model_parity(false);
}

TEST_CASE("miniature encoder with a bidirectional LSTM: CUDA matches the CPU", "[model][cuda][lstm]") {
  check_model_parity(true);
}
