// defines: grain::PinnedHostAllocator — the loader's batch buffers in page-locked memory
//
// When training on CUDA, the loader assembles each batch straight into pinned
// host memory (engine/device_runtime.h), so the host-to-device copy of the
// clips needs no staging copy. The data libraries stay engine-free: this
// adapter is the only place that connects the two.
#pragma once

#include "data/loader/batch.h"

namespace grain {

class PinnedHostAllocator : public data::HostAllocator {
 public:
  void* allocate(size_t bytes) override;
  void deallocate(void* p, size_t bytes) noexcept override;
};

}  // namespace grain
