// defines: GRAIN_OP_LIST, op_names
//
// The single place that names every differentiable op of the engine, one line
// each: X(name, header). The shared table of test cases
// (tests/engine/op_cases.cpp) must hold at least one case for every name here;
// a test fails when one is missing.
#pragma once

#include <string>
#include <vector>

#define GRAIN_OP_LIST(X)                     \
  X(matmul, "engine/ops/matmul.h")           \
  X(linear, "engine/ops/linear.h")           \
  X(add, "engine/ops/binary.h")              \
  X(sub, "engine/ops/binary.h")              \
  X(mul, "engine/ops/binary.h")              \
  X(scale, "engine/ops/scale.h")             \
  X(bias_add, "engine/ops/bias_add.h")       \
  X(relu, "engine/ops/activation.h")         \
  X(tanh, "engine/ops/activation.h")         \
  X(sigmoid, "engine/ops/activation.h")      \
  X(conv2d, "engine/ops/conv.h")             \
  X(conv3d, "engine/ops/conv.h")             \
  X(max_pool2d, "engine/ops/max_pool.h")     \
  X(max_pool3d, "engine/ops/max_pool.h")     \
  X(amax, "engine/ops/reduce.h")             \
  X(sum, "engine/ops/reduce.h")              \
  X(mean, "engine/ops/reduce.h")             \
  X(batch_norm, "engine/ops/batch_norm.h")   \
  X(dropout, "engine/ops/dropout.h")         \
  X(lstm, "engine/ops/lstm.h")               \
  X(embedding, "engine/ops/embedding.h")     \
  X(concat, "engine/ops/shape_ops.h")        \
  X(slice, "engine/ops/shape_ops.h")         \
  X(reshape, "engine/ops/shape_ops.h")       \
  X(permute, "engine/ops/shape_ops.h")       \
  X(log_softmax, "engine/ops/log_softmax.h") \
  X(cross_entropy, "engine/ops/cross_entropy.h") \
  X(sequence_nll, "engine/ops/sequence_nll.h")   \
  X(time_average, "engine/ops/time_average.h")

namespace grain {

// Every op name of GRAIN_OP_LIST, in order.
inline std::vector<std::string> op_names() {
#define GRAIN_OP_NAME(name, header) #name,
  return {GRAIN_OP_LIST(GRAIN_OP_NAME)};
#undef GRAIN_OP_NAME
}

}  // namespace grain
