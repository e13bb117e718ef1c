// defines: the CUDA half of batch_norm (implemented in batch_norm.cu; see
// batch_norm.h for shapes). Builds without the CUDA backend get an inline
// stub that throws, never reached because no tensor can live on a CUDA device.
#pragma once

#include "engine/backend.h"
#include "engine/ops/batch_norm.h"
#include "engine/tensor.h"

namespace grain {

#if GRAIN_WITH_CUDA
// Batch normalisation of x [..., C]; updates the running statistics in
// training; records its backward.
Tensor batch_norm_cuda(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                       const Tensor& running_var, const BatchNormParams& params);
#else
inline Tensor batch_norm_cuda(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                              const BatchNormParams&) {
  throw_not_implemented_on_cuda("batch_norm");
}
#endif

}  // namespace grain
