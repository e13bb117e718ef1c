// defines: vol2col, col2vol (see vol2col.h)
#include "kernels/cpu/vol2col.h"

#include <cstring>

namespace grain::kernels {

template <typename T>
void vol2col(const T* x, const ConvGeometry& g, int64_t od_begin, int64_t od_end, T* cols) {
  const int64_t rows = (od_end - od_begin) * g.out_plane();
  const int64_t patch = g.patch(), c = g.in_c;
  // With dilation 1 along W the k_w taps of one (kd, kh) are k_w * C
  // consecutive values of x: one copy instead of k_w (the first layers have
  // C = 3 or 8, where per-tap memcpy calls dominated the lowering; bench/engine).
  const bool runs = g.dil_w == 1;
  const int64_t run = g.k_w * c;
#pragma omp parallel for schedule(static) if (rows * patch > 32768)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t od = od_begin + r / g.out_plane();
    const int64_t oh = (r / g.out_w) % g.out_h, ow = r % g.out_w;
    T* row = cols + r * patch;
    const int64_t iw0 = ow * g.stride_w - g.pad_w;
    const bool w_inside = runs && iw0 >= 0 && iw0 + g.k_w <= g.in_w;
    for (int64_t kd = 0; kd < g.k_d; ++kd) {
      const int64_t id = od * g.stride_d - g.pad_d + kd * g.dil_d;
      if (id < 0 || id >= g.in_d) {
        std::memset(row, 0, sizeof(T) * g.k_h * run);
        row += g.k_h * run;
        continue;
      }
      for (int64_t kh = 0; kh < g.k_h; ++kh) {
        const int64_t ih = oh * g.stride_h - g.pad_h + kh * g.dil_h;
        if (ih < 0 || ih >= g.in_h) {
          std::memset(row, 0, sizeof(T) * run);
          row += run;
          continue;
        }
        const T* line = x + (id * g.in_h + ih) * g.in_w * c;
        if (w_inside) {
          std::memcpy(row, line + iw0 * c, sizeof(T) * run);
          row += run;
          continue;
        }
        for (int64_t kw = 0; kw < g.k_w; ++kw, row += c) {
          const int64_t iw = iw0 + kw * g.dil_w;
          if (iw < 0 || iw >= g.in_w) {
            std::memset(row, 0, sizeof(T) * c);
          } else {
            std::memcpy(row, line + iw * c, sizeof(T) * c);
          }
        }
      }
    }
  }
}

template <typename T>
void col2vol(const T* cols, const ConvGeometry& g, int64_t od_begin, int64_t od_end, T* dx) {
  const int64_t patch = g.patch(), c = g.in_c;
  const bool runs = g.dil_w == 1;  // as in vol2col: k_w taps are one run of k_w * C values
  const int64_t run = g.k_w * c;
  // Receptive fields of neighbouring rows overlap, so a parallel scatter-add
  // would race; it runs serially (its cost is small beside the backward GEMM,
  // see bench/engine).
  for (int64_t od = od_begin; od < od_end; ++od) {
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const T* row = cols + (((od - od_begin) * g.out_h + oh) * g.out_w + ow) * patch;
        const int64_t iw0 = ow * g.stride_w - g.pad_w;
        const bool w_inside = runs && iw0 >= 0 && iw0 + g.k_w <= g.in_w;
        for (int64_t kd = 0; kd < g.k_d; ++kd) {
          const int64_t id = od * g.stride_d - g.pad_d + kd * g.dil_d;
          if (id < 0 || id >= g.in_d) {
            row += g.k_h * run;
            continue;
          }
          for (int64_t kh = 0; kh < g.k_h; ++kh, row += run) {
            const int64_t ih = oh * g.stride_h - g.pad_h + kh * g.dil_h;
            if (ih < 0 || ih >= g.in_h) continue;
            T* line = dx + (id * g.in_h + ih) * g.in_w * c;
            if (w_inside) {
              T* dst = line + iw0 * c;
              for (int64_t e = 0; e < run; ++e) dst[e] += row[e];
              continue;
            }
            for (int64_t kw = 0; kw < g.k_w; ++kw) {
              const int64_t iw = iw0 + kw * g.dil_w;
              if (iw < 0 || iw >= g.in_w) continue;
              T* dst = line + iw * c;
              const T* src = row + kw * c;
              for (int64_t ch = 0; ch < c; ++ch) dst[ch] += src[ch];
            }
          }
        }
      }
    }
  }
}

template void vol2col<float>(const float*, const ConvGeometry&, int64_t, int64_t, float*);
template void vol2col<double>(const double*, const ConvGeometry&, int64_t, int64_t, double*);
template void col2vol<float>(const float*, const ConvGeometry&, int64_t, int64_t, float*);
template void col2vol<double>(const double*, const ConvGeometry&, int64_t, int64_t, double*);

}  // namespace grain::kernels
