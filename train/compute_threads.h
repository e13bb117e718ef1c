// defines: grain::kMaxComputeThreads, check_thread_count
//
// The one bound on CPU compute threads (the OpenMP team of the engine's
// kernels), shared by the trainer's train.threads key (and so reproduce's
// --threads, which sets it), and transfer's --threads. 0 means every core.
// Above 1024, more than the hardware threads of any single host today, a
// team only oversubscribes the cores, and 65,536 made libgomp crash creating
// its team (a segmentation fault).
#pragma once

#include <cstdint>
#include <string>

#include "engine/error.h"

namespace grain {

inline constexpr int64_t kMaxComputeThreads = 1024;

// Throws naming `what` (a flag or a config key) unless 0 <= threads <= kMaxComputeThreads.
inline void check_thread_count(const std::string& what, int64_t threads) {
  GRAIN_CHECK(threads >= 0 && threads <= kMaxComputeThreads,
              what << " " << threads << ": expected 0 (every core) to " << kMaxComputeThreads
                   << " compute threads (more only oversubscribe the cores)");
}

}  // namespace grain
