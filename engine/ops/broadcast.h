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
// `target` shape (the gradient of a broadcast input); g itself when its
// shape is the target.
Tensor sum_to_shape(const Tensor& g, const Shape& target);

// ---- Backends (engine/backend.h): sum_to_shape allocates, GRAIN_DISPATCH
// calls the _cpu half (broadcast.cpp) or the _cuda half (broadcast.cu, CUDA
// builds only).

// out (allocated at the target shape) = g summed over its broadcast dims.
void sum_to_shape_cpu(const Tensor& g, const Tensor& out);
void sum_to_shape_cuda(const Tensor& g, const Tensor& out);

}  // namespace grain
