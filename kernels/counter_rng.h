// defines: grain::kernels::kSplitMix64Gamma, splitmix64_finalize, mix64,
//          counter_uniform, step_seed, SplitMix64
//
// The project's one random-number source, header-only so that data/ can use
// it without linking the engine. Everything is built on SplitMix64 (Steele,
// Lea, Flood 2014): a state advanced by a fixed odd constant and a bijective
// finaliser of that state.
//  - Counter-based draws: the value at (seed, counter) is a pure function of
//    both, so the CPU and the CUDA backends draw bitwise the same dropout
//    masks and initialisations, any element can be regenerated without
//    replaying a stream, and work can be split across threads freely.
//  - Streams (SplitMix64): the data pipeline's sequential draws (loader
//    windows and crops, the synthetic scenes), each seeded by a hash of the
//    numbers that identify it, never by shared state.
// Bounded draws use Lemire's multiply-shift with rejection (unbiased) and
// integer arithmetic only, never <random>'s distributions, whose results
// differ between standard libraries: every value here is the same on every
// machine and backend.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define GRAIN_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define GRAIN_HOST_DEVICE inline
#endif

namespace grain::kernels {

/// SplitMix64's state increment: 2^64 / golden ratio, rounded to odd.
inline constexpr uint64_t kSplitMix64Gamma = 0x9e3779b97f4a7c15ULL;

/// SplitMix64's finaliser: a bijective 64-bit mix of a stream state.
GRAIN_HOST_DEVICE constexpr uint64_t splitmix64_finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// One SplitMix64 step from state z: splitmix64_finalize(z + gamma). The hash
/// used to derive seeds from seeds.
GRAIN_HOST_DEVICE constexpr uint64_t mix64(uint64_t z) { return splitmix64_finalize(z + kSplitMix64Gamma); }

/// Uniform in [0, 1) with 53 random bits: the same double on every backend.
GRAIN_HOST_DEVICE double counter_uniform(uint64_t seed, uint64_t counter) {
  const uint64_t bits = mix64(mix64(seed) ^ counter);
  return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0);
}

/// The seed of training step `step` of a run seeded with `seed` (dropout masks
/// of that step): distinct steps give unrelated seeds.
GRAIN_HOST_DEVICE constexpr uint64_t step_seed(uint64_t seed, int64_t step) {
  return mix64(seed * kSplitMix64Gamma + static_cast<uint64_t>(step));
}

/// A SplitMix64 stream: next() returns splitmix64_finalize(seed + k * gamma) for k = 1, 2, ...
class SplitMix64 {
 public:
  explicit constexpr SplitMix64(uint64_t seed) : state_(seed) {}

  /// Next 64 random bits.
  constexpr uint64_t next() {
    state_ += kSplitMix64Gamma;
    return splitmix64_finalize(state_);
  }

  /// Uniform integer in [0, n); 0 when n <= 1. Lemire's multiply-shift: the
  /// high word of next() * n, redrawn when the low word falls in the 2^64 mod n
  /// values that would favour some results.
  constexpr uint64_t below(uint64_t n) {
    if (n <= 1) return 0;
    const uint64_t reject_under = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
      if (static_cast<uint64_t>(m) >= reject_under) return static_cast<uint64_t>(m >> 64);
    }
  }

 private:
  uint64_t state_;
};

}  // namespace grain::kernels
