// defines: the CUDA half of log_softmax (implemented in log_softmax.cu; see log_softmax.h for shapes).
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
// Log-softmax over the last dim; records its backward.
Tensor log_softmax_cuda(const Tensor& x);
#else
inline Tensor log_softmax_cuda(const Tensor&) { throw_not_implemented_on_cuda("log_softmax"); }
#endif

}  // namespace grain
