// defines: broadcast_shapes, BroadcastIndex, sum_to_shape (helpers of the
// elementwise ops; numpy broadcasting rules, dims aligned from the right).
#pragma once

#include <vector>

#include "engine/tensor.h"

namespace grain {

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

// Maps linear indices of the output shape to linear indices of an input
// broadcast to it.
class BroadcastIndex {
 public:
  BroadcastIndex(const Shape& input, const Shape& output);
  int64_t operator()(int64_t output_index) const;
  bool identity() const { return identity_; }

 private:
  std::vector<int64_t> out_shape_, in_strides_;
  bool identity_;
};

// Sums g over the dims that broadcasting expanded, giving a tensor of
// `target` shape (the gradient of a broadcast input). CPU.
Tensor sum_to_shape(const Tensor& g, const Shape& target);

// ---- CUDA backend: defined in broadcast.cu, compiled only with the CUDA backend;
// broadcast.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// Sums g over its broadcast dims down to `target` (no graph).
Tensor sum_to_shape_cuda(const Tensor& g, const Shape& target);

}  // namespace grain
