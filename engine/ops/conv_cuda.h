// defines: the CUDA half of conv3d/conv2d (implemented in conv.cu; see conv.h
// for shapes) and the cuDNN plan the benchmark reports. Builds without the
// CUDA backend get an inline stub that throws, never reached because no
// tensor can live on a CUDA device there.
#pragma once

#include <cstddef>
#include <string>

#include "engine/backend.h"
#include "engine/ops/conv.h"
#include "engine/tensor.h"

namespace grain {

#if GRAIN_WITH_CUDA
// Fills y (already allocated at the output shape) with conv(x, w) + b through
// cuDNN and records the backward (bwd-data, bwd-filter, bias sum).
Tensor conv_cuda(const char* op, const Tensor& x, const Tensor& w, const Tensor& b, const Conv3dParams& params,
                 Tensor y);

// What autotuning chose for one direction of one shape (for conv3d_bench).
struct ConvAlgoChoice {
  std::string algorithm;   // e.g. "IMPLICIT_PRECOMP_GEMM"
  size_t workspace_bytes = 0;
  bool tensor_ops = false; // the chosen algorithm runs in TF32 tensor-core math
  float find_ms = 0;       // time cuDNN's search measured for it
};
enum class ConvDirection { kForward, kBackwardData, kBackwardFilter };
// Runs one direction of the convolution of x (N,T,H,W,Cin), w (Cout,kT,kH,kW,Cin)
// on CUDA tensors: forward writes y; backward-data reads y as dy and writes x as dx;
// backward-filter reads x and y as dy and writes w as dw. Returns the cached choice.
ConvAlgoChoice conv_run_direction(ConvDirection direction, const Tensor& x, const Tensor& w, const Tensor& y,
                                  const Conv3dParams& params);
#else
inline Tensor conv_cuda(const char* op, const Tensor&, const Tensor&, const Tensor&, const Conv3dParams&, Tensor) {
  throw_not_implemented_on_cuda(op);
}
#endif

}  // namespace grain
