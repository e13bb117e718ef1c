// defines: grain::kernels::counter_uniform, counter_normal, mix64
//
// A counter-based random number generator: the value at (seed, counter) is a
// pure function of both, so the CPU and the CUDA backends draw bitwise the
// same dropout masks and initialisations, any element can be regenerated
// without replaying a stream, and work can be split across threads freely.
// The mixing function is the splitmix64 finaliser (Steele, Lea, Flood 2014).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define GRAIN_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define GRAIN_HOST_DEVICE inline
#endif

namespace grain::kernels {

GRAIN_HOST_DEVICE uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Uniform in [0, 1) with 53 random bits: the same double on every backend.
GRAIN_HOST_DEVICE double counter_uniform(uint64_t seed, uint64_t counter) {
  const uint64_t bits = mix64(mix64(seed) ^ counter);
  return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace grain::kernels
