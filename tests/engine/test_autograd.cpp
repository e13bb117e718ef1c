// The autograd engine, the flat parameter store and the error policy.
#include <catch2/catch.hpp>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/device_runtime.h"
#include "engine/ops/activation.h"
#include "engine/ops/binary.h"
#include "engine/ops/conv.h"
#include "engine/ops/linear.h"
#include "engine/ops/reduce.h"
#include "engine/ops/scale.h"
#include "engine/optim/optimizer.h"
#include "engine/parameters.h"

using namespace grain;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

namespace {
Tensor leaf(std::vector<double> v, Shape s) {
  Tensor t = Tensor::from_vector(v, s, DType::kFloat64);
  t.set_requires_grad(true);
  return t;
}
}  // namespace

TEST_CASE("gradients of a shared subexpression are summed", "[autograd]") {
  Tensor x = leaf({1.5, -2.0}, {2});
  const Tensor y = sum(add(mul(x, x), x));  // dy/dx = 2x + 1
  y.backward();
  CHECK(x.grad().to_vector() == std::vector<double>{4.0, -3.0});
}

TEST_CASE("leaf gradients accumulate across backward calls until zeroed", "[autograd]") {
  Tensor x = leaf({2.0}, {1});
  sum(scale(x, 3.0)).backward();
  sum(scale(x, 3.0)).backward();
  CHECK(x.grad().item() == 6.0);
  x.zero_grad();
  CHECK(x.grad().item() == 0.0);
}

TEST_CASE("the graph is freed after backward", "[autograd]") {
  Tensor x = leaf({1.0, 2.0}, {2});
  const Tensor y = sum(tanh(x));
  std::weak_ptr<Node> node = y.impl()->grad_fn;
  y.backward();
  REQUIRE(!node.expired());
  CHECK(node.lock()->freed);
  CHECK_THROWS_WITH(y.backward(), Contains("already freed"));
}

TEST_CASE("no-grad scope records nothing, and detach cuts the graph", "[autograd]") {
  Tensor x = leaf({1.0}, {1});
  {
    NoGradGuard guard;
    CHECK_FALSE(scale(x, 2.0).requires_grad());
    CHECK_FALSE(grad_enabled());
  }
  CHECK(grad_enabled());
  const Tensor d = scale(x, 2.0).detach();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.is_leaf());
  CHECK_THROWS_WITH(sum(d).backward(), Contains("does not require grad"));
}

TEST_CASE("backward needs a one-element root", "[autograd]") {
  Tensor x = leaf({1.0, 2.0}, {2});
  CHECK_THROWS_WITH(scale(x, 2.0).backward(), Contains("one element"));
}

TEST_CASE("parameters live in one flat buffer and their gradients in another", "[autograd][parameters]") {
  ParameterStore store(DType::kFloat64);
  auto w = store.declare("head.weight", {2, 3});
  auto b = store.declare("head.bias", {2});
  CHECK_THROWS_WITH(store.declare("head.bias", {1}), Contains("duplicate"));
  store.materialize();
  CHECK(store.size() == 8);
  w->value.fill(0.5);
  b->value.fill(-1.0);
  // The views write through to the flat buffer.
  CHECK(store.values().to_vector() == std::vector<double>{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -1, -1});
  const Tensor x = Tensor::from_vector({1, 2, 3}, {1, 3}, DType::kFloat64);
  sum(linear(x, w->value, b->value)).backward();
  // dW = ones(2,1) x, db = 1: accumulated in place in the flat gradient buffer.
  CHECK(store.gradients().to_vector() == std::vector<double>{1, 2, 3, 1, 2, 3, 1, 1});
  CHECK(w->value.grad().impl()->storage == store.gradients().impl()->storage);
}

TEST_CASE("frozen parameters get no gradient and are not updated", "[autograd][parameters]") {
  ParameterStore store(DType::kFloat64);
  auto encoder = store.declare("encoder.weight", {1, 2});
  auto head = store.declare("head.weight", {1, 1});
  store.materialize();
  encoder->value.fill(1.0);
  head->value.fill(2.0);
  CHECK(store.set_frozen("encoder.", true) == 1);
  CHECK_FALSE(encoder->value.requires_grad());
  const Tensor x = Tensor::from_vector({1, 1}, {1, 2}, DType::kFloat64);
  sum(linear(linear(x, encoder->value), head->value)).backward();
  CHECK(encoder->value.grad().to_vector() == std::vector<double>{0, 0});
  CHECK(head->value.grad().item() == 2.0);
  Sgd sgd(store, {0.1, 0.0, 0.0});
  sgd.step();
  CHECK(encoder->value.to_vector() == std::vector<double>{1, 1});
  CHECK_THAT(head->value.item(), WithinAbs(2.0 - 0.1 * 2.0, 1e-15));
}

TEST_CASE("errors name the file, the line, the op and the shapes", "[errors]") {
  const Tensor x = Tensor::zeros({2, 3, 8, 8});
  const Tensor w = Tensor::zeros({4, 3, 3, 3, 3});
  try {
    conv3d(x, w, Tensor());
    FAIL("conv3d accepted a 4-D input");
  } catch (const Error& e) {
    const std::string m = e.what();
    CHECK_THAT(m, Contains("engine/ops/conv.cpp:"));
    CHECK_THAT(m, Contains("conv3d: input must be 5-D (N,T,H,W,C), got [2,3,8,8]"));
  }
  CHECK_THROWS_WITH(add(Tensor::zeros({2, 3}), Tensor::zeros({4})), Contains("cannot be broadcast"));
  CHECK_THROWS_WITH(add(Tensor::zeros({2}), Tensor::zeros({2}, DType::kFloat64)), Contains("different dtypes"));
}

TEST_CASE("CUDA requests without a GPU are clear errors, never a CPU fallback", "[errors][device]") {
  // The ops' dispatch (GRAIN_DISPATCH) and the device runtime agree on
  // whether this binary has the CUDA backend.
  CHECK(kCudaBackendBuilt == cuda_is_built());
  if (cuda_device_count() > 0) {
    SUCCEED("a GPU is present; the CUDA tests cover this machine");
    return;
  }
  if (cuda_is_built())
    CHECK_THROWS_AS(Tensor::zeros({2}, DType::kFloat32, Device::cuda()), Error);
  else
    CHECK_THROWS_WITH(Tensor::zeros({2}, DType::kFloat32, Device::cuda()),
                      Contains("built without the CUDA backend"));
}

TEST_CASE("pinned host memory without a GPU is a clear error", "[errors][device]") {
  if (cuda_device_count() > 0) {
    SUCCEED("a GPU is present: tests/cuda round-trips pinned memory");
    return;
  }
  // Without the CUDA backend: "built without the CUDA backend"; with it but no
  // GPU: the CUDA runtime's error, naming the call.
  CHECK_THROWS_WITH(device_runtime::pinned_host_allocate(64),
                    Contains("built without the CUDA backend") || Contains("cudaHostAlloc"));
}
