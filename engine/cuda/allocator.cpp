// defines: grain::cuda::CachingAllocator (see allocator.h)
#include "engine/cuda/allocator.h"

#include <cuda_runtime.h>

#include <array>
#include <memory>

#include "engine/cuda/check.h"
#include "engine/error.h"

namespace grain::cuda {

namespace {
constexpr size_t kSmallLimit = 1 << 20;
constexpr size_t kSmallRound = 512;
constexpr size_t kLargeRound = 2 << 20;
// A cached block may serve a request up to this factor smaller than itself.
constexpr size_t kMaxWaste = 2;
}  // namespace

size_t CachingAllocator::round_size(size_t bytes) {
  if (bytes == 0) bytes = 1;
  const size_t unit = bytes < kSmallLimit ? kSmallRound : kLargeRound;
  return (bytes + unit - 1) / unit * unit;
}

CachingAllocator::~CachingAllocator() { empty_cache(); }

void* CachingAllocator::allocate(size_t bytes) {
  const size_t size = round_size(bytes);
  std::lock_guard<std::mutex> lock(mutex_);
  // Best fit among cached blocks no more than kMaxWaste times too large.
  auto it = free_.lower_bound(size);
  void* ptr = nullptr;
  size_t block = size;
  if (it != free_.end() && it->first <= size * kMaxWaste) {
    ptr = it->second;
    block = it->first;
    free_.erase(it);
  } else {
    GRAIN_CUDA_CHECK(cudaSetDevice(device_));
    cudaError_t status = cudaMalloc(&ptr, size);
    if (status != cudaSuccess) {
      // Out of memory with blocks cached: give them back and try once more.
      cudaGetLastError();
      for (auto& [s, p] : free_) {
        GRAIN_CUDA_LOG(cudaFree(p));
        stats_.bytes_reserved -= s;
      }
      free_.clear();
      status = cudaMalloc(&ptr, size);
    }
    if (status != cudaSuccess) {
      cudaGetLastError();
      GRAIN_THROW("CUDA out of memory on cuda:" << device_ << " allocating " << bytes << " bytes ("
                                                << stats_.bytes_in_use << " in use, " << stats_.bytes_reserved
                                                << " reserved): " << cudaGetErrorString(status));
    }
    stats_.bytes_reserved += size;
    ++stats_.cuda_mallocs;
  }
  live_.emplace(ptr, block);
  stats_.bytes_in_use += block;
  if (stats_.bytes_in_use > stats_.peak_bytes_in_use) stats_.peak_bytes_in_use = stats_.bytes_in_use;
  return ptr;
}

void CachingAllocator::release(void* ptr) noexcept {
  if (!ptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = live_.find(ptr);
  if (it == live_.end()) {
    log_failure(__FILE__, __LINE__, "CachingAllocator::release", "pointer not allocated here");
    return;
  }
  stats_.bytes_in_use -= it->second;
  free_.emplace(it->second, ptr);
  live_.erase(it);
}

void CachingAllocator::empty_cache() noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.empty()) return;
  // Cached blocks may still be read by queued kernels only if the caller
  // released them just now; synchronising first makes freeing safe.
  GRAIN_CUDA_LOG(cudaSetDevice(device_));
  GRAIN_CUDA_LOG(cudaDeviceSynchronize());
  for (auto& [size, ptr] : free_) {
    GRAIN_CUDA_LOG(cudaFree(ptr));
    stats_.bytes_reserved -= size;
  }
  free_.clear();
}

AllocatorStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.peak_bytes_in_use = stats_.bytes_in_use;
}

CachingAllocator& allocator(int index) {
  // Leaked on purpose: tensors held in static storage may be freed after
  // main returns, when a destroyed allocator (or a dead CUDA context) would
  // crash; the driver reclaims device memory at process exit.
  static std::array<CachingAllocator*, 64> allocators{};
  static std::mutex mutex;
  GRAIN_CHECK(index >= 0 && index < 64, "cuda: device index " << index << " out of range");
  std::lock_guard<std::mutex> lock(mutex);
  if (!allocators[index]) allocators[index] = new CachingAllocator(index);
  return *allocators[index];
}

}  // namespace grain::cuda
