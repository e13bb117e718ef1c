// Counter-based randomness for the data pipeline.
// Design: every random choice (epoch order, temporal window, crop offset) is
// drawn from a generator seeded by a hash of (seed, epoch, video index), never
// from shared state, so any batch can be regenerated exactly from those three
// numbers (exact resume) whatever the number of worker threads. The generator
// is SplitMix64 and bounded draws use our own code, not <random>'s
// distributions, whose results differ between standard libraries.
#pragma once

#include <cstdint>
#include <vector>

namespace grain::data {

// SplitMix64 finaliser: a bijective 64-bit mix.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A seed for (seed, epoch, index); distinct streams for distinct triples.
constexpr uint64_t derive_seed(uint64_t seed, uint64_t epoch, uint64_t index) {
  return mix64(mix64(mix64(seed) ^ epoch) ^ index);
}

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform integer in [0, n) for n >= 1 (Lemire's multiply-shift with rejection).
  uint64_t below(uint64_t n) {
    if (n <= 1) return 0;
    for (;;) {
      const unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
      const uint64_t low = static_cast<uint64_t>(m);
      if (low >= (0 - n) % n) return static_cast<uint64_t>(m >> 64);
    }
  }

 private:
  uint64_t state_;
};

// Fisher-Yates shuffle of [0, n) with the generator seeded by derive_seed(seed, epoch, ~0).
inline std::vector<int64_t> shuffled_indices(int64_t n, uint64_t seed, uint64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  SplitMix64 rng(derive_seed(seed, epoch, ~0ull));
  for (int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i) + 1));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  return order;
}

}  // namespace grain::data
