// Deterministic random numbers for the synthetic datasets.
//
// Design decision: std::mt19937 is portable but the std:: distributions are
// not (libstdc++ and libc++ map bits to values differently), and the datasets
// must be byte-identical on any machine. So every draw here is built from a
// SplitMix64 stream with explicit bit-to-float mappings, and every video gets
// its own stream derived from (global seed, video index, purpose): a video's
// content never depends on how many draws another video made, which is what
// makes generation splittable across threads and resumable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace grain::data::synth {

/// SplitMix64 finaliser: a bijective 64-bit mix, used both as the generator
/// step and to hash (seed, index, purpose) tuples into stream seeds.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Seed of the stream for one (seed, index, purpose); distinct purposes give
/// independent streams for the same video (e.g. labels vs. pixel noise).
constexpr uint64_t stream_seed(uint64_t seed, uint64_t index, uint64_t purpose) {
  return mix64(mix64(mix64(seed ^ 0x9e3779b97f4a7c15ULL) + index) + purpose * 0x632be59bd9b4e019ULL);
}

/// A SplitMix64 generator with machine-independent mappings to ints and floats.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  /// Next 64 random bits.
  uint64_t next_u64() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  /// Uniform float in [0, 1) from the top 24 bits (exact in float).
  float uniform() { return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f); }
  /// Uniform float in [lo, hi).
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n), n > 0 (multiply-shift: no modulo bias worth noting at n << 2^32).
  int below(int n) { return static_cast<int>(((next_u64() >> 32) * static_cast<uint64_t>(n)) >> 32); }
  /// Uniform integer in [lo, hi] inclusive.
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }
  /// True with probability p.
  bool chance(float p) { return uniform() < p; }
  /// +1 or -1 with equal probability.
  float sign() { return (next_u64() >> 63) ? 1.0f : -1.0f; }
  /// A uniformly chosen element of v (v non-empty).
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<size_t>(below(static_cast<int>(v.size())))]; }
  /// Fisher-Yates shuffle with this generator.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<size_t>(below(static_cast<int>(i)))]);
  }

 private:
  uint64_t state_;
};

}  // namespace grain::data::synth
