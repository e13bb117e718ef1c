// defines: grain::kernels::direct_conv_supports, direct_conv_forward,
// direct_conv_backward_data, direct_conv_backward_filter
//
// Direct channels-last 3D convolution for float32, stride 1, dilation 1: no
// lowered matrix and no scatter. The input is copied once into a zero-padded
// buffer; each output vector of channels is then accumulated in registers
// over the taps (kd, kh, kw, ci), and the data gradient is the same loop on
// the padded output gradient with the kernel flipped. The filter gradient
// sums fixed chunks of output planes into partial gradients that are added in
// chunk order, so no result depends on the thread count. conv.cpp uses these
// where they apply and measure faster (docs/performance.md); vol2col + GEMM
// covers the rest (float64, strides, dilation, channel counts that are not a
// multiple of 8).
//
// Shapes: x (N, D, H, W, Cin); w (Cout, kD, kH, kW, Cin) as conv.h; y and dy
// (N, out_d, out_h, out_w, Cout) of the geometry g (kernels/cpu/vol2col.h).
#pragma once

#include <cstdint>

#include "kernels/cpu/cpu_isa.h"
#include "kernels/cpu/vol2col.h"

namespace grain::kernels {

enum class DirectConvPass { kForward, kBackwardData, kBackwardFilter };

// Whether the pass can run directly: stride and dilation 1; Cout (forward,
// filter) or Cin (data) a multiple of 8; for the data gradient, padding at
// most kernel - 1 on every axis.
bool direct_conv_supports(const ConvGeometry& g, int64_t cout, DirectConvPass pass);

// y = conv(x, w) + bias (bias may be null); y is overwritten.
void direct_conv_forward(const float* x, int64_t n, const ConvGeometry& g, const float* w, int64_t cout,
                         const float* bias, float* y, CpuIsa isa = cpu_isa());

// dx = the gradient of conv(x, w) with respect to x for output gradient dy; dx is overwritten.
void direct_conv_backward_data(const float* dy, int64_t n, const ConvGeometry& g, const float* w, int64_t cout,
                               float* dx, CpuIsa isa = cpu_isa());

// dw (Cout, kD, kH, kW, Cin) and db (Cout; may be null) are overwritten.
void direct_conv_backward_filter(const float* x, const float* dy, int64_t n, const ConvGeometry& g, int64_t cout,
                                 float* dw, float* db, CpuIsa isa = cpu_isa());

}  // namespace grain::kernels
