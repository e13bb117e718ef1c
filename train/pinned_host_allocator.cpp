// defines: grain::PinnedHostAllocator (see pinned_host_allocator.h)
#include "train/pinned_host_allocator.h"

#include "engine/device_runtime.h"

namespace grain {

void* PinnedHostAllocator::allocate(size_t bytes) { return device_runtime::pinned_host_allocate(bytes); }

void PinnedHostAllocator::deallocate(void* p, size_t) noexcept { device_runtime::pinned_host_release(p); }

}  // namespace grain
