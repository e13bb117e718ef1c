// defines: conv3d, conv2d — channels-last convolutions
//
// Layouts (docs/ARCHITECTURE.md): activations channels-last, x (N, T, H, W, C)
// for conv3d and (N, H, W, C) for conv2d; weights (Cout, kT, kH, kW, Cin) and
// (Cout, kH, kW, Cin) — the cuDNN NDHWC filter order. Checkpoints store
// PyTorch's (Cout, Cin, kT, kH, kW); the conversion happens at save/load.
#pragma once

#include <array>
#include <cstdint>

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

}  // namespace grain
