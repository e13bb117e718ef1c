// Deterministic random numbers for the synthetic datasets.
//
// Design decision: std::mt19937 is portable but the std:: distributions are
// not (libstdc++ and libc++ map bits to values differently), and the datasets
// must be byte-identical on any machine. So every draw here is built from the
// project's SplitMix64 (kernels/counter_rng.h) with explicit bit-to-float
// mappings and its unbiased bounded integers, and every video gets
// its own stream derived from (global seed, video index, purpose)
// (kernels::synth_stream_seed and its kSynth*Purpose codes): a video's
// content never depends on how many draws another video made, which is what
// makes generation splittable across threads and resumable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/counter_rng.h"  // defines: SplitMix64, synth_stream_seed

namespace grain::data::synth {

/// A SplitMix64 stream with machine-independent mappings to ints and floats.
class Rng {
 public:
  explicit Rng(uint64_t seed) : stream_(seed) {}

  /// Next 64 random bits.
  uint64_t next_u64() { return stream_.next(); }
  /// Uniform float in [0, 1) from the top 24 bits (exact in float).
  float uniform() { return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f); }
  /// Uniform float in [lo, hi).
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n), n > 0 (unbiased: SplitMix64::below).
  int below(int n) { return static_cast<int>(stream_.below(static_cast<uint64_t>(n))); }
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
  kernels::SplitMix64 stream_;
};

}  // namespace grain::data::synth
