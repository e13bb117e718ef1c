// defines: the CUDA half of activation (implemented in activation.cu; see activation.h for shapes).
// Builds without the CUDA backend get inline stubs that throw, never reached
// because no tensor can live on a CUDA device there.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/backend.h"
#include "engine/tensor.h"

namespace grain {

#if GRAIN_WITH_CUDA
// y = relu/tanh/sigmoid(x) by name ("relu", "tanh", "sigmoid"); records its backward.
Tensor activation_cuda(const char* op, const Tensor& x);
#else
inline Tensor activation_cuda(const char* op, const Tensor&) { throw_not_implemented_on_cuda(op); }
#endif

}  // namespace grain
