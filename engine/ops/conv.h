// defines: conv3d, conv2d — channels-last convolutions
//
// Layouts (docs/ARCHITECTURE.md): activations channels-last, x (N, T, H, W, C)
// for conv3d and (N, H, W, C) for conv2d; weights (Cout, kT, kH, kW, Cin) and
// (Cout, kH, kW, Cin) — the cuDNN NDHWC filter order. Checkpoints store
// PyTorch's (Cout, Cin, kT, kH, kW); the conversion happens at save/load.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/tensor.h"
#include "kernels/cpu/vol2col.h"

namespace grain {

struct Conv3dParams {
  std::array<int64_t, 3> stride{1, 1, 1};    // (t, h, w)
  std::array<int64_t, 3> padding{0, 0, 0};
  std::array<int64_t, 3> dilation{1, 1, 1};
};

struct Conv2dParams {
  std::array<int64_t, 2> stride{1, 1};       // (h, w)
  std::array<int64_t, 2> padding{0, 0};
  std::array<int64_t, 2> dilation{1, 1};
};

// x (N, T, H, W, Cin), w (Cout, kT, kH, kW, Cin), b (Cout) or undefined
// -> y (N, To, Ho, Wo, Cout), To = (T + 2 pT - dT (kT - 1) - 1) / sT + 1 (same for H, W),
// y[n, t, h, w, o] = b[o] + sum_{i, a, b, c} w[o, a, b, c, i] x[n, t sT - pT + a dT, h sH - pH + b dH, w sW - pW + c dW, i].
Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor& b, const Conv3dParams& params = {});

// x (N, H, W, Cin), w (Cout, kH, kW, Cin), b (Cout) or undefined -> y (N, Ho, Wo, Cout); conv3d with T = 1.
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& params = {});

// ---- Backends (engine/backend.h): conv.cpp checks the shapes and records,
// GRAIN_DISPATCH calls the _cpu half (conv.cpp: direct kernels or vol2col +
// GEMM) or the _cuda half (conv.cu: cuDNN; CUDA builds only). Both take the
// geometry conv3d checked and the parameters it came from; conv2d is conv3d
// on a depth-1 volume.

// y (N, To, Ho, Wo, Cout) = conv(x, w) + b (b where defined).
void conv_forward_cpu(const Tensor& x, const Tensor& w, const Tensor& b, const kernels::ConvGeometry& g,
                      const Conv3dParams& params, const Tensor& y);
void conv_forward_cuda(const Tensor& x, const Tensor& w, const Tensor& b, const kernels::ConvGeometry& g,
                       const Conv3dParams& params, const Tensor& y);
// dx (backward-data), dw (backward-filter), db (the sum of dy's rows), each
// where defined (allocated at its input's shape).
void conv_backward_cpu(const Tensor& x, const Tensor& w, const Tensor& dy, const kernels::ConvGeometry& g,
                       const Conv3dParams& params, const Tensor& dx, const Tensor& dw, const Tensor& db);
void conv_backward_cuda(const Tensor& x, const Tensor& w, const Tensor& dy, const kernels::ConvGeometry& g,
                        const Conv3dParams& params, const Tensor& dx, const Tensor& dw, const Tensor& db);

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

}  // namespace grain
