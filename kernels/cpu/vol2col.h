// defines: grain::kernels::ConvGeometry, vol2col, col2vol
//
// The lowering of a channels-last 3D convolution to a GEMM. For one sample x
// (D, H, W, C), row r of `cols` is the receptive field of output position r
// = (od, oh, ow), laid out (kd, kh, kw, c) — the same order as a weight
// (Cout, kD, kH, kW, Cin) row, so y = cols w^T. Channels-last makes each
// (kd, kh, kw) tap a contiguous run of C values: one memcpy, not C loads.
// Both functions handle a block of output depth slices [od_begin, od_end) so
// the caller bounds the memory of `cols`.
#pragma once

#include <cstdint>

namespace grain::kernels {

struct ConvGeometry {
  int64_t in_d, in_h, in_w, in_c;
  int64_t k_d, k_h, k_w;
  int64_t stride_d, stride_h, stride_w;
  int64_t pad_d, pad_h, pad_w;
  int64_t dil_d, dil_h, dil_w;
  int64_t out_d, out_h, out_w;

  int64_t patch() const { return k_d * k_h * k_w * in_c; }  // K of the GEMM
  int64_t out_plane() const { return out_h * out_w; }
};

// Fills cols [(od_end - od_begin) * out_h * out_w, patch()] from x (zeros where padded).
template <typename T>
void vol2col(const T* x, const ConvGeometry& g, int64_t od_begin, int64_t od_end, T* cols);

// Adds cols back into dx (D, H, W, C): the adjoint of vol2col.
template <typename T>
void col2vol(const T* cols, const ConvGeometry& g, int64_t od_begin, int64_t od_end, T* dx);

}  // namespace grain::kernels
