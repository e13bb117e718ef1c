// defines: grain::ForwardContext — what a forward pass needs besides its inputs
//
// Passed explicitly through every module's forward: whether this is training
// (batch statistics, dropout on) or evaluation, and the seed of this step's
// randomness. Keeping the mode out of hidden module state makes a forward
// reproducible from its arguments alone, which exact resume relies on.
#pragma once

#include <cstdint>

namespace grain {

struct ForwardContext {
  bool training = false;
  uint64_t seed = 0;  // this step's seed; layers derive their own from it
};

}  // namespace grain
