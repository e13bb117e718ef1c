// defines: GRAIN_OP_LIST, op_names
//
// The single place that names every differentiable op of the engine, one line
// each: X(name). The shared table of test cases (tests/engine/op_cases.cpp)
// must hold at least one case for every name here; a test fails when one is
// missing. (The files of an op are engine/ops/<file>.h, .cpp and .cu, where
// one file may hold several ops: add, sub and mul live in binary.*.)
#pragma once

#include <string>
#include <vector>

#define GRAIN_OP_LIST(X) \
  X(matmul) \
  X(linear) \
  X(add) \
  X(sub) \
  X(mul) \
  X(scale) \
  X(bias_add) \
  X(relu) \
  X(tanh) \
  X(sigmoid) \
  X(conv2d) \
  X(conv3d) \
  X(max_pool2d) \
  X(max_pool3d) \
  X(amax) \
  X(sum) \
  X(mean) \
  X(batch_norm) \
  X(dropout) \
  X(lstm) \
  X(embedding) \
  X(concat) \
  X(slice) \
  X(reshape) \
  X(permute) \
  X(log_softmax) \
  X(cross_entropy) \
  X(sequence_nll) \
  X(time_average)

namespace grain {

// Every op name of GRAIN_OP_LIST, in order.
inline std::vector<std::string> op_names() {
#define GRAIN_OP_NAME(name) #name,
  return {GRAIN_OP_LIST(GRAIN_OP_NAME)};
#undef GRAIN_OP_NAME
}

}  // namespace grain
