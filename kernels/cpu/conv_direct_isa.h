// defines: grain::kernels::ForwardPlane, FilterPlane, DirectConvIsa and the
// three instruction-set tables (AVX-512, AVX2 + FMA, generic)
//
// The register-tiled inner loops of the direct convolution
// (kernels/cpu/conv_direct.h), one output plane at a time. Each table is
// compiled in its own file with its own instruction-set flags
// (conv_direct_avx512.cpp, conv_direct_avx2.cpp, conv_direct_generic.cpp;
// kernels/CMakeLists.txt) and conv_direct.cpp picks one at run time
// (kernels/cpu/cpu_isa.h), so one binary runs on any x86-64 machine.
#pragma once

#include <cstdint>

namespace grain::kernels {

// One output plane (Ho, Wo, Cout) of a stride-1 convolution of a zero-padded
// channels-last input. `x` points at the first of the k_d input planes the
// output plane reads; consecutive input planes are plane_stride floats apart,
// each (Hp, Wp, C) with padded width in_w = Wp.
struct ForwardPlane {
  const float* x;
  int64_t plane_stride, in_w, c, k_d, k_h, k_w;
  const float* w;     // [k_d * k_h][k_w * C][Cout]: the weights repacked, Cout contiguous
  const float* bias;  // [Cout] or nullptr
  float* y;           // (Ho, Wo, Cout), overwritten
  int64_t out_h, out_w, cout;
};

// Output positions [begin, end) of the whole batch (y's row order: sample,
// depth, row, column), for planes with short rows, where one row holds less
// than a tile: a tile takes positions across rows, each finding its own
// input. x is the padded input of the whole batch, each sample
// sample_stride floats; y the whole output.
struct ForwardRange {
  const float* x;
  int64_t sample_stride, plane_stride, in_w, c, k_d, k_h, k_w;
  const float* w;     // as ForwardPlane::w
  const float* bias;  // [Cout] or nullptr
  float* y;           // (N, out_d, out_h, out_w, Cout); rows [begin, end) written
  int64_t out_d, out_h, out_w, cout, begin, end;
};

// Adds one output plane's contribution to the filter gradient:
// dw[kd][kh][f][o] += sum_{oh, ow} dy[oh, ow, o] x[kd][oh + kh][ow * C + f],
// f = kw * C + ci, in a fixed order (rows, then columns).
struct FilterPlane {
  const float* x;  // as ForwardPlane::x
  int64_t plane_stride, in_w, c, k_d, k_h, k_w;
  const float* dy;  // (Ho, Wo, Cout)
  int64_t out_h, out_w, cout;
  float* dw;  // [k_d * k_h][k_w * C][Cout], accumulated into
};

struct DirectConvIsa {
  const char* name;
  // Cout must be a multiple of 8 for both.
  void (*forward_plane)(const ForwardPlane&);
  void (*forward_range)(const ForwardRange&);
  void (*filter_plane)(const FilterPlane&);
};

extern const DirectConvIsa kDirectConvAvx512;  // AVX-512F + VL: 32 registers, 16 or 8 lanes
extern const DirectConvIsa kDirectConvAvx2;    // AVX2 + FMA: 16 registers, 8 lanes
extern const DirectConvIsa kDirectConvGeneric; // baseline x86-64 (SSE2), no FMA: other rounding

}  // namespace grain::kernels
