// defines: relu, tanh, sigmoid — elementwise activations
#pragma once

#include "engine/tensor.h"

namespace grain {

// y = max(x, 0); dx = dy where x > 0, else 0.
Tensor relu(const Tensor& x);
// y = tanh(x); dx = dy (1 - y^2).
Tensor tanh(const Tensor& x);
// y = 1 / (1 + exp(-x)); dx = dy y (1 - y).
Tensor sigmoid(const Tensor& x);

// ---- CUDA backend: defined in activation.cu, compiled only with the CUDA backend;
// activation.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// y = relu/tanh/sigmoid(x) by name ("relu", "tanh", "sigmoid"); records its backward.
Tensor activation_cuda(const char* op, const Tensor& x);

}  // namespace grain
