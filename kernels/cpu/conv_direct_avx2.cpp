// defines: grain::kernels::kDirectConvAvx2 (see conv_direct_isa.h)
//
// Compiled with -mavx2 -mfma (kernels/CMakeLists.txt); called only where the
// CPU has them (kernels/cpu/cpu_isa.h). 16 vector registers of 8 lanes.
#include <immintrin.h>

#include "kernels/cpu/conv_direct_kernels.inc"

namespace grain::kernels {
namespace {

void forward_plane(const ForwardPlane& a) { forward_plane_with<Ymm, 16>(a); }
void forward_range(const ForwardRange& a) { forward_range_with<Ymm, 12>(a); }
void filter_plane(const FilterPlane& a) { filter_plane_with<Ymm, 12>(a); }

}  // namespace

const DirectConvIsa kDirectConvAvx2{"avx2", forward_plane, forward_range, filter_plane};

}  // namespace grain::kernels
