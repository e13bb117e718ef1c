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

// ---- Backends (engine/backend.h): add_into checks, GRAIN_DISPATCH calls the
// _cpu half (elementwise_accumulate.cpp) or the _cuda half
// (elementwise_accumulate.cu, CUDA builds only).

// dst += src in place (no graph): autograd's accumulation, the one backend
// arithmetic that adds into its output.
void add_into_cpu(const Tensor& dst, const Tensor& src);
void add_into_cuda(const Tensor& dst, const Tensor& src);

}  // namespace grain
