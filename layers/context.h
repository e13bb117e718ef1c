// defines: grain::ForwardContext — what a forward pass needs besides its inputs
//
// Passed explicitly through every module's forward: whether this is training
// (batch statistics, dropout on) or evaluation, and the seed of this step's
// randomness. Keeping the mode out of hidden module state makes a forward
// reproducible from its arguments alone, which exact resume relies on.
#pragma once

#include <cstdint>

namespace grain {

class CrossProcessSum;  // engine/ops/batch_norm.h

struct ForwardContext {
  bool training = false;
  uint64_t seed = 0;  // this step's seed; layers derive their own from it
  // Data-parallel training: this process's batch is rows [batch_offset, ...)
  // of the global batch (dropout draws the global batch's mask for them),
  // and, when set, batch norm's statistics are over every process's batch
  // (engine/ops/batch_norm.h). Defaults: one process.
  int64_t batch_offset = 0;
  CrossProcessSum* batch_norm_sync = nullptr;
};

}  // namespace grain
