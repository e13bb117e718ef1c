// defines: the op test-case table (see op_cases.h)
#include "tests/engine/op_cases.h"

#include <algorithm>
#include <numeric>

#include "engine/ops/activation.h"
#include "engine/ops/batch_norm.h"
#include "engine/ops/bias_add.h"
#include "engine/ops/binary.h"
#include "engine/ops/conv.h"
#include "engine/ops/cross_entropy.h"
#include "engine/ops/dropout.h"
#include "engine/ops/embedding.h"
#include "engine/ops/linear.h"
#include "engine/ops/log_softmax.h"
#include "engine/ops/lstm.h"
#include "engine/ops/matmul.h"
#include "engine/ops/max_pool.h"
#include "engine/ops/reduce.h"
#include "engine/ops/scale.h"
#include "engine/ops/sequence_nll.h"
#include "engine/ops/shape_ops.h"
#include "engine/ops/time_average.h"
#include "kernels/counter_rng.h"

namespace grain::testing {

namespace {

using Inputs = std::vector<Tensor>;
using Outputs = std::vector<Tensor>;

InputSpec U(Shape s) { return {std::move(s), Domain::kUniform}; }
InputSpec P(Shape s) { return {std::move(s), Domain::kPositive}; }
InputSpec D(Shape s) { return {std::move(s), Domain::kDistinct}; }
InputSpec I(Shape s, int64_t bound) { return {std::move(s), Domain::kIndices, bound}; }
InputSpec M(Shape s) { return {std::move(s), Domain::kMask}; }
InputSpec constant(InputSpec s) {
  s.constant = true;
  return s;
}

OpCase make(std::string op, std::string label, std::vector<InputSpec> inputs,
            std::function<Outputs(const Inputs&)> run) {
  OpCase c;
  c.op = std::move(op);
  c.label = std::move(label);
  c.inputs = std::move(inputs);
  c.run = std::move(run);
  return c;
}

// LSTM weight specs for (layers, hidden, bidirectional) and input width.
std::vector<InputSpec> lstm_weights(int64_t layers, int64_t hidden, bool bidirectional, int64_t input) {
  std::vector<InputSpec> specs;
  const int64_t dirs = bidirectional ? 2 : 1;
  for (int64_t l = 0; l < layers; ++l)
    for (int64_t d = 0; d < dirs; ++d) {
      const int64_t in = l == 0 ? input : dirs * hidden;
      specs.push_back(U({4 * hidden, in}));
      specs.push_back(U({4 * hidden, hidden}));
      specs.push_back(U({4 * hidden}));
      specs.push_back(U({4 * hidden}));
    }
  return specs;
}

std::vector<OpCase> build() {
  std::vector<OpCase> cases;
  auto add_case = [&](OpCase c) { cases.push_back(std::move(c)); };

  add_case(make("matmul", "3x4 by 4x5", {U({3, 4}), U({4, 5})}, [](const Inputs& x) { return Outputs{matmul(x[0], x[1])}; }));
  add_case(make("matmul", "1x7 by 7x2", {U({1, 7}), U({7, 2})}, [](const Inputs& x) { return Outputs{matmul(x[0], x[1])}; }));
  add_case(make("linear", "3-D input with bias", {U({2, 3, 5}), U({4, 5}), U({4})},
                [](const Inputs& x) { return Outputs{linear(x[0], x[1], x[2])}; }));
  add_case(make("linear", "no bias", {U({3, 6}), U({2, 6})}, [](const Inputs& x) { return Outputs{linear(x[0], x[1])}; }));

  for (const char* op : {"add", "sub", "mul"}) {
    auto fn = std::string(op) == "add" ? add : std::string(op) == "sub" ? sub : mul;
    add_case(make(op, "same shape", {U({2, 3}), U({2, 3})}, [fn](const Inputs& x) { return Outputs{fn(x[0], x[1])}; }));
    add_case(make(op, "trailing broadcast", {U({2, 3, 4}), U({4})}, [fn](const Inputs& x) { return Outputs{fn(x[0], x[1])}; }));
    add_case(make(op, "both broadcast", {U({2, 1, 4}), U({3, 1})}, [fn](const Inputs& x) { return Outputs{fn(x[0], x[1])}; }));
  }
  add_case(make("scale", "by 2.5", {U({3, 4})}, [](const Inputs& x) { return Outputs{scale(x[0], 2.5)}; }));
  add_case(make("bias_add", "channels last", {U({2, 3, 4}), U({4})}, [](const Inputs& x) { return Outputs{bias_add(x[0], x[1])}; }));
  add_case(make("relu", "no values near 0", {D({3, 5})}, [](const Inputs& x) { return Outputs{relu(x[0])}; }));
  add_case(make("tanh", "uniform", {U({4, 3})}, [](const Inputs& x) { return Outputs{tanh(x[0])}; }));
  add_case(make("sigmoid", "uniform", {U({4, 3})}, [](const Inputs& x) { return Outputs{sigmoid(x[0])}; }));

  add_case(make("conv2d", "3x3 pad 1", {U({2, 5, 6, 3}), U({4, 3, 3, 3}), U({4})},
                [](const Inputs& x) { return Outputs{conv2d(x[0], x[1], x[2], {{1, 1}, {1, 1}, {1, 1}})}; }));
  add_case(make("conv2d", "stride 2 dilation 2 no bias", {U({1, 9, 8, 2}), U({3, 3, 2, 2})},
                [](const Inputs& x) { return Outputs{conv2d(x[0], x[1], Tensor(), {{2, 2}, {1, 0}, {2, 2}})}; }));
  add_case(make("conv2d", "1x1 pointwise", {U({2, 3, 4, 5}), U({2, 1, 1, 5}), U({2})},
                [](const Inputs& x) { return Outputs{conv2d(x[0], x[1], x[2])}; }));
  add_case(make("conv3d", "3x3x3 pad 1 (encoder conv1-3)", {U({2, 4, 5, 5, 2}), U({3, 3, 3, 3, 2}), U({3})},
                [](const Inputs& x) { return Outputs{conv3d(x[0], x[1], x[2], {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}})}; }));
  add_case(make("conv3d", "3x3x3 pad (1,0,0) (encoder conv4-6)", {U({1, 3, 5, 6, 3}), U({2, 3, 3, 3, 3}), U({2})},
                [](const Inputs& x) { return Outputs{conv3d(x[0], x[1], x[2], {{1, 1, 1}, {1, 0, 0}, {1, 1, 1}})}; }));
  add_case(make("conv3d", "1x3x3 pad (0,1,1) (2D channel)", {U({2, 3, 4, 4, 2}), U({3, 1, 3, 3, 2}), U({3})},
                [](const Inputs& x) { return Outputs{conv3d(x[0], x[1], x[2], {{1, 1, 1}, {0, 1, 1}, {1, 1, 1}})}; }));
  // Float32 takes the direct kernels for these (Cin and Cout multiples of 8,
  // stride 1; kernels/cpu/conv_direct.h): padded-width tiles for the first,
  // position-range tiles for the second (a 5-wide padded row, 3 outputs).
  add_case(make("conv3d", "3x3x3 pad 1, 8 -> 8 channels, odd sizes (direct in float32)",
                {U({1, 3, 5, 7, 8}), U({8, 3, 3, 3, 8}), U({8})},
                [](const Inputs& x) { return Outputs{conv3d(x[0], x[1], x[2], {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}})}; }));
  add_case(make("conv3d", "1x3x3 pad (0,1,0), 8 -> 16 channels (direct, position tiles)",
                {U({2, 2, 3, 5, 8}), U({16, 1, 3, 3, 8}), U({16})},
                [](const Inputs& x) { return Outputs{conv3d(x[0], x[1], x[2], {{1, 1, 1}, {0, 1, 0}, {1, 1, 1}})}; }));
  add_case(make("conv3d", "stride (2,1,2) dilation (1,2,1) odd sizes", {U({1, 5, 7, 5, 1}), U({2, 2, 2, 3, 1})},
                [](const Inputs& x) { return Outputs{conv3d(x[0], x[1], Tensor(), {{2, 1, 2}, {0, 1, 1}, {1, 2, 1}})}; }));

  add_case(make("max_pool2d", "2x2", {D({2, 4, 6, 3})}, [](const Inputs& x) { return Outputs{max_pool2d(x[0], {2, 2})}; }));
  add_case(make("max_pool2d", "3x3 stride 2", {D({1, 7, 5, 2})},
                [](const Inputs& x) { return Outputs{max_pool2d(x[0], {3, 3}, {2, 2})}; }));
  add_case(make("max_pool3d", "(1,2,2) encoder pool", {D({1, 3, 4, 4, 2})},
                [](const Inputs& x) { return Outputs{max_pool3d(x[0], {1, 2, 2})}; }));
  add_case(make("max_pool3d", "(2,2,2) stride (1,2,2)", {D({2, 3, 5, 4, 1})},
                [](const Inputs& x) { return Outputs{max_pool3d(x[0], {2, 2, 2}, {1, 2, 2})}; }));
  add_case(make("amax", "global spatial max (N,T,H,W,C) over H,W", {D({2, 3, 4, 3, 2})},
                [](const Inputs& x) { return Outputs{amax(x[0], {2, 3})}; }));
  add_case(make("amax", "last dim keepdim", {D({3, 5})}, [](const Inputs& x) { return Outputs{amax(x[0], {-1}, true)}; }));
  add_case(make("sum", "dim 1", {U({2, 3, 4})}, [](const Inputs& x) { return Outputs{sum(x[0], {1})}; }));
  add_case(make("sum", "all dims", {U({3, 4})}, [](const Inputs& x) { return Outputs{sum(x[0])}; }));
  add_case(make("mean", "dims 0,2 keepdim", {U({2, 3, 4})}, [](const Inputs& x) { return Outputs{mean(x[0], {0, 2}, true)}; }));

  add_case(make("batch_norm", "training", {U({3, 4, 5}), P({5}), U({5})}, [](const Inputs& x) {
    // Fresh running statistics on the inputs' device for every run.
    const Tensor rm = Tensor::zeros({5}, x[0].dtype(), x[0].device());
    const Tensor rv = Tensor::ones({5}, x[0].dtype()).to(x[0].device());
    return Outputs{batch_norm(x[0], x[1], x[2], rm, rv, {true, 0.1, 1e-5})};
  }));
  add_case(make("batch_norm", "evaluation (running statistics)", {U({4, 3}), P({3}), U({3}), constant(U({3})), constant(P({3}))},
                [](const Inputs& x) { return Outputs{batch_norm(x[0], x[1], x[2], x[3].detach(), x[4].detach(), {false, 0.1, 1e-5})}; }));
  add_case(make("dropout", "p 0.3", {U({4, 6})}, [](const Inputs& x) { return Outputs{dropout(x[0], 0.3, 7)}; }));

  {
    std::vector<InputSpec> in{U({2, 4, 3}), U({1, 2, 3}), U({1, 2, 3})};
    for (auto& s : lstm_weights(1, 3, false, 3)) in.push_back(s);
    add_case(make("lstm", "1 layer, given initial states", in, [](const Inputs& x) {
      const LstmOutput o = lstm(x[0], x[1], x[2], {x.begin() + 3, x.end()}, {1, 3, false});
      return Outputs{o.output, o.h_n, o.c_n};
    }));
  }
  {
    std::vector<InputSpec> in{U({2, 3, 3})};
    for (auto& s : lstm_weights(2, 2, true, 3)) in.push_back(s);
    OpCase c = make("lstm", "2 layers bidirectional (encoder)", in, [](const Inputs& x) {
      const LstmOutput o = lstm(x[0], Tensor(), Tensor(), {x.begin() + 1, x.end()}, {2, 2, true});
      return Outputs{o.output, o.h_n, o.c_n};
    });
    add_case(c);
  }
  add_case(make("embedding", "ids 2x3 into 5x4", {I({2, 3}, 5), U({5, 4})},
                [](const Inputs& x) { return Outputs{embedding(x[0], x[1])}; }));
  add_case(make("concat", "two along dim 1", {U({2, 3}), U({2, 2})}, [](const Inputs& x) { return Outputs{concat({x[0], x[1]}, 1)}; }));
  add_case(make("concat", "three along dim 0", {U({1, 2, 2}), U({2, 2, 2}), U({1, 2, 2})},
                [](const Inputs& x) { return Outputs{concat({x[0], x[1], x[2]}, 0)}; }));
  add_case(make("slice", "dim 1 [1,4)", {U({3, 5})}, [](const Inputs& x) { return Outputs{slice(x[0], 1, 1, 4)}; }));
  add_case(make("slice", "dim 0 [2,3)", {U({4, 2, 3})}, [](const Inputs& x) { return Outputs{slice(x[0], 0, 2, 3)}; }));
  add_case(make("reshape", "[2,3,4] -> [6,-1]", {U({2, 3, 4})}, [](const Inputs& x) { return Outputs{reshape(x[0], {6, -1})}; }));
  add_case(make("permute", "(2,0,1)", {U({2, 3, 4})}, [](const Inputs& x) { return Outputs{permute(x[0], {2, 0, 1})}; }));
  add_case(make("permute", "(N,T,H,W,C) -> (N,C,T,H,W)", {U({2, 2, 3, 2, 3})},
                [](const Inputs& x) { return Outputs{permute(x[0], {0, 4, 1, 2, 3})}; }));
  add_case(make("log_softmax", "rows of 5", {U({3, 5})}, [](const Inputs& x) { return Outputs{log_softmax(x[0])}; }));
  add_case(make("log_softmax", "3-D", {U({2, 3, 7})}, [](const Inputs& x) { return Outputs{log_softmax(x[0])}; }));
  add_case(make("cross_entropy", "4 samples 6 classes", {U({4, 6}), I({4}, 6)},
                [](const Inputs& x) { return Outputs{cross_entropy(x[0], x[1])}; }));
  add_case(make("sequence_nll", "N 2, L 4, V 7, masked", {U({2, 4, 7}), I({2, 4}, 7), M({2, 4})},
                [](const Inputs& x) { return Outputs{sequence_nll(x[0], x[1], x[2])}; }));
  add_case(make("time_average", "N 2, T 5, C 6", {U({2, 5, 6})}, [](const Inputs& x) { return Outputs{time_average(x[0])}; }));
  return cases;
}

}  // namespace

const std::vector<OpCase>& op_cases() {
  static const std::vector<OpCase> cases = build();
  return cases;
}

std::vector<Tensor> make_inputs(const OpCase& c, DType dtype, uint64_t seed) {
  std::vector<Tensor> inputs;
  for (size_t k = 0; k < c.inputs.size(); ++k) {
    const InputSpec& spec = c.inputs[k];
    const uint64_t s = kernels::mix64(seed * 1000003 + k);
    const int64_t n = numel(spec.shape);
    std::vector<double> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const double u = kernels::counter_uniform(s, static_cast<uint64_t>(i));
      switch (spec.domain) {
        case Domain::kUniform: v[i] = 2 * u - 1; break;
        case Domain::kPositive: v[i] = 0.5 + u; break;
        case Domain::kMask: v[i] = u < 0.25 ? 0.0 : 1.0; break;
        case Domain::kIndices: v[i] = std::min<double>(static_cast<double>(spec.index_bound - 1), u * spec.index_bound); break;
        case Domain::kDistinct: v[i] = static_cast<double>(i); break;
      }
    }
    if (spec.domain == Domain::kDistinct) {
      // The first n points of an even-sized grid -1 + (2i + 1) / m in [-1, 1]:
      // any two values at least 2/m apart and none closer than 1/m to zero,
      // in a seeded shuffled order.
      const double m = static_cast<double>(n % 2 == 0 ? n : n + 1);
      std::vector<size_t> order(static_cast<size_t>(n));
      std::iota(order.begin(), order.end(), 0);
      for (int64_t i = n - 1; i > 0; --i)
        std::swap(order[i], order[static_cast<size_t>(kernels::counter_uniform(s + 1, i) * (i + 1))]);
      for (int64_t i = 0; i < n; ++i) v[order[i]] = -1.0 + (2.0 * i + 1.0) / m;
    }
    if (spec.domain == Domain::kIndices) {
      std::vector<int64_t> ids(v.begin(), v.end());
      inputs.push_back(Tensor::from_indices(ids, spec.shape));
    } else {
      // Round through float32 so both dtypes see the same values.
      for (double& x : v) x = static_cast<double>(static_cast<float>(x));
      inputs.push_back(Tensor::from_vector(v, spec.shape, dtype));
    }
  }
  return inputs;
}

}  // namespace grain::testing
