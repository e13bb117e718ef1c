// With the deterministic switch on, two runs of the miniature model give
// bitwise-equal losses and gradients (cuDNN restricted to deterministic
// algorithms; the custom kernels never sum with atomics).
#include <catch2/catch.hpp>

#include "engine/cuda/context.h"
#include "tests/cuda/mini_model.h"
#include "tests/cuda/test_support.h"

using namespace grain;
using namespace grain::cuda_test;

TEST_CASE("deterministic mode: two runs give bitwise-equal gradients", "[determinism][cuda]") {
  cuda::DeterministicScope deterministic(true);
  std::vector<Tensor> first;
  Tensor first_loss;
  for (int run = 0; run < 2; ++run) {
    MiniModel m = make_mini_model(Device::cuda(), false);
    const Tensor loss = mini_model_loss(m, false);
    loss.backward();
    if (run == 0) {
      first_loss = loss.detach();
      for (const Tensor& p : m.params) first.push_back(p.grad());
      continue;
    }
    CHECK(bitwise_equal(first_loss, loss.detach()));
    for (size_t i = 0; i < m.params.size(); ++i) {
      INFO("gradient of parameter " << i);
      CHECK(bitwise_equal(first[i], m.params[i].grad()));
    }
  }
}
