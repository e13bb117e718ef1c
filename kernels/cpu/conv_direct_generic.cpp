// defines: grain::kernels::kDirectConvGeneric (see conv_direct_isa.h)
//
// The baseline x86-64 build (SSE2, no fused multiply-add), for CPUs without
// AVX2 + FMA and for checking the vector tables against plain C++.
#include "kernels/cpu/conv_direct_kernels.inc"

namespace grain::kernels {
namespace {

void forward_plane(const ForwardPlane& a) { forward_plane_with<Generic8, 16>(a); }
void forward_range(const ForwardRange& a) { forward_range_with<Generic8, 12>(a); }
void filter_plane(const FilterPlane& a) { filter_plane_with<Generic8, 12>(a); }

}  // namespace

const DirectConvIsa kDirectConvGeneric{"generic", forward_plane, forward_range, filter_plane};

}  // namespace grain::kernels
