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

// ---- CUDA backend: defined in conv.cu, compiled only with the CUDA backend;
// conv.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

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

}  // namespace grain
