// defines: grain::PinnedHostAllocator — the loader's batch buffers in page-locked memory
//
// When training on CUDA, the loader assembles each batch into pinned host
// memory (engine/device_runtime.h). The upload does not read that memory yet:
// to_tensors (batch_tensors.cpp) first copies the clips into a pageable CPU
// tensor, and Tensor::to uploads from there and waits for the copy, so today
// the pinned buffers save nothing; uploading straight from them is what they
// are for. The data libraries stay engine-free: this adapter is the only
// place that connects the two.
#pragma once

#include "data/loader/batch.h"

namespace grain {

class PinnedHostAllocator : public data::HostAllocator {
 public:
  void* allocate(size_t bytes) override;
  void deallocate(void* p, size_t bytes) noexcept override;
};

}  // namespace grain
