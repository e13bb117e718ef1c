// defines: grain::kernels::kDirectConvAvx512 (see conv_direct_isa.h)
//
// Compiled with -mavx512f -mavx512vl -mavx2 -mfma (kernels/CMakeLists.txt);
// called only where the CPU has them (kernels/cpu/cpu_isa.h). 32 vector
// registers of 16 lanes where Cout is a multiple of 16, else of 8 (ymm
// registers, still 32 of them with AVX-512VL).
#include <immintrin.h>

#include "kernels/cpu/conv_direct_kernels.inc"

namespace grain::kernels {
namespace {

void forward_plane(const ForwardPlane& a) {
  if (a.cout % 16 == 0) {
    forward_plane_with<Zmm, 32>(a);
  } else {
    forward_plane_with<Ymm, 32>(a);
  }
}

void forward_range(const ForwardRange& a) {
  if (a.cout % 16 == 0) {
    forward_range_with<Zmm, 24>(a);
  } else {
    forward_range_with<Ymm, 24>(a);
  }
}

void filter_plane(const FilterPlane& a) {
  if (a.cout % 16 == 0) {
    filter_plane_with<Zmm, 24>(a);
  } else {
    filter_plane_with<Ymm, 24>(a);
  }
}

}  // namespace

const DirectConvIsa kDirectConvAvx512{"avx512", forward_plane, forward_range, filter_plane};

}  // namespace grain::kernels
