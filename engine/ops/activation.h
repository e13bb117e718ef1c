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

// ---- Backends (engine/backend.h): activation.cpp records, GRAIN_DISPATCH
// calls the _cpu half (activation.cpp) or the _cuda half (activation.cu, CUDA
// builds only).

enum class Activation { kRelu, kTanh, kSigmoid };

// y = the activation of x (y allocated like x).
void activation_forward_cpu(Activation kind, const Tensor& x, const Tensor& y);
void activation_forward_cuda(Activation kind, const Tensor& x, const Tensor& y);
// dx = dy times the derivative, written through the saved output y.
void activation_backward_cpu(Activation kind, const Tensor& y, const Tensor& dy, const Tensor& dx);
void activation_backward_cuda(Activation kind, const Tensor& y, const Tensor& dy, const Tensor& dx);

}  // namespace grain
