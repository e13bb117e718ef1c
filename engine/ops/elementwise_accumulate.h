// defines: add_values, add_into, accumulate_into_leaf
//
// The gradient arithmetic autograd itself needs (no graph is recorded).
#pragma once

#include "engine/tensor.h"

namespace grain {

// a + b, same shape and dtype, a new tensor.
Tensor add_values(const Tensor& a, const Tensor& b);
// dst += src in place, same shape and dtype.
void add_into(const Tensor& dst, const Tensor& src);
// leaf.grad += g; allocates the gradient buffer (a copy of g) on first use.
void accumulate_into_leaf(TensorImpl* leaf, const Tensor& g);

// ---- CUDA backend: defined in elementwise_accumulate.cu, compiled only with the CUDA backend;
// elementwise_accumulate.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// dst += src in place (no graph).
void add_into_cuda(const Tensor& dst, const Tensor& src);

}  // namespace grain
