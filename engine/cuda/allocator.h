// defines: grain::cuda::CachingAllocator, AllocatorStats, allocator(device)
//
// A caching device allocator: freed blocks go to a per-device free list keyed
// by rounded size and are handed out again, so the training loop performs no
// cudaMalloc/cudaFree after its first step. All work of a device runs on its
// one stream (engine/cuda/context.h), so a block freed by the host can be
// reused at once: any later kernel that writes it is ordered after every
// kernel that read it. (When several streams arrive, blocks will need stream
// tags and events; the interface does not change.)
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <unordered_map>

namespace grain::cuda {

struct AllocatorStats {
  size_t bytes_in_use = 0;      // requested by live tensors (rounded sizes)
  size_t peak_bytes_in_use = 0;
  size_t bytes_reserved = 0;    // obtained from cudaMalloc, live or cached
  size_t cuda_mallocs = 0;      // calls that reached cudaMalloc
};

class CachingAllocator {
 public:
  explicit CachingAllocator(int device) : device_(device) {}
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  void* allocate(size_t bytes);
  void release(void* ptr) noexcept;
  // Returns every cached block to the driver (live blocks are untouched).
  void empty_cache() noexcept;
  AllocatorStats stats() const;
  void reset_peak();

  // Sizes are rounded to 512 bytes below 1 MiB and to 2 MiB above, so blocks
  // of nearby sizes share a bin and fragmentation stays bounded.
  static size_t round_size(size_t bytes);

 private:
  int device_;
  mutable std::mutex mutex_;
  std::multimap<size_t, void*> free_;           // rounded size -> cached block
  std::unordered_map<void*, size_t> live_;      // block -> rounded size
  AllocatorStats stats_;
};

// The allocator of device `index` (created on first use, lives for the process).
CachingAllocator& allocator(int index);

}  // namespace grain::cuda
