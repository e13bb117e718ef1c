// Seeds and shuffles of the data pipeline.
// Design: every random choice (epoch order, temporal window, crop offset) is
// drawn from a generator seeded by a hash of (seed, epoch, video index), never
// from shared state, so any batch can be regenerated exactly from those three
// numbers (exact resume) whatever the number of worker threads. The generator,
// its unbiased bounded draws and the seed derivations (loader_seed,
// loader_order_seed) are the project's one SplitMix64 (kernels/counter_rng.h,
// header-only: no engine dependency).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/counter_rng.h"  // defines: SplitMix64, loader_seed, loader_order_seed

namespace grain::data {

using kernels::SplitMix64;

// Fisher-Yates shuffle of [0, n) with the generator seeded by kernels::loader_order_seed(seed, epoch).
inline std::vector<int64_t> shuffled_indices(int64_t n, uint64_t seed, uint64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  SplitMix64 rng(kernels::loader_order_seed(seed, epoch));
  for (int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i) + 1));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  return order;
}

}  // namespace grain::data
