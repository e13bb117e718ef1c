// defines: grain::kernels::kDirectConvAvx512 (see conv_direct_isa.h)
//
// Compiled with -mavx512f -mavx512vl -mavx2 -mfma (kernels/CMakeLists.txt);
// called only where the CPU has them (kernels/cpu/cpu_isa.h). 32 vector
// registers: tiles of 24 accumulators, 16 lanes where Cout is a multiple of
// 16, else 8 (ymm registers, still 32 of them with AVX-512VL).
#if defined(__AVX512F__) && defined(__AVX512VL__)
#include <immintrin.h>
#endif

#include "kernels/cpu/conv_direct_kernels.inc"

namespace grain::kernels {
namespace {

#if defined(__AVX512F__) && defined(__AVX512VL__)

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

#else  // not an x86-64 build (kernels/CMakeLists.txt adds the flags there only): never chosen by cpu_isa()

void forward_plane(const ForwardPlane& a) { forward_plane_with<Generic8, 16>(a); }
void forward_range(const ForwardRange& a) { forward_range_with<Generic8, 12>(a); }
void filter_plane(const FilterPlane& a) { filter_plane_with<Generic8, 12>(a); }

#endif

}  // namespace

const DirectConvIsa kDirectConvAvx512{"avx512", forward_plane, forward_range, filter_plane};

}  // namespace grain::kernels
