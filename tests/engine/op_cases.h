// defines: OpCase, InputSpec, Domain, op_cases, make_inputs
//
// The one table of op test cases. Every mode of testing reads it: finite-
// difference gradient checks (float64, CPU), float32-vs-float64 agreement,
// CPU-vs-CUDA parity (tests/cuda) and the coverage check that every op of
// engine/ops/op_list.h has a case. Adding an op means adding its cases here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace grain::testing {

enum class Domain {
  kUniform,       // U(-1, 1)
  kPositive,      // U(0.5, 1.5)
  kDistinct,      // a shuffled, evenly spaced grid in [-1, 1] (no ties: for max/relu)
  kIndices,       // int64 in [0, index_bound)
  kMask,          // 0 or 1 (about 1 in 4 zeros), in the case's float dtype
};

struct InputSpec {
  Shape shape;
  Domain domain = Domain::kUniform;
  int64_t index_bound = 0;  // for kIndices
  bool constant = false;    // a float input the op does not differentiate (buffers)
  bool differentiable() const { return !constant && domain != Domain::kIndices && domain != Domain::kMask; }
};

struct OpCase {
  std::string op;     // a name of GRAIN_OP_LIST
  std::string label;  // what this case exercises
  std::vector<InputSpec> inputs;
  std::function<std::vector<Tensor>(const std::vector<Tensor>&)> run;
  // float32 vs float64 on the CPU: |a - b| <= atol + rtol |b|.
  double f32_atol = 2e-5, f32_rtol = 1e-4;
  // CPU float32 vs CUDA float32 (TF32 off).
  double cuda_atol = 1e-4, cuda_rtol = 1e-3;
  // Finite-difference check in float64 (the project's standard values).
  double grad_atol = 1e-5, grad_rtol = 1e-3;
};

const std::vector<OpCase>& op_cases();

// Inputs of a case as CPU tensors of `dtype` (index inputs are int64),
// generated in float64 from `seed` and rounded to dtype, so float32 and
// float64 runs see the same values up to that rounding.
std::vector<Tensor> make_inputs(const OpCase& c, DType dtype, uint64_t seed);

}  // namespace grain::testing
