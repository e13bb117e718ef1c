// defines: grain::device_runtime for builds with the CUDA backend
//
// Device memory comes from the caching allocator; copies and fills are queued
// on the device's stream (engine/cuda/context.h). A copy that involves host
// memory waits for the stream, so the host sees (or may overwrite) the bytes
// when it returns — Tensor::to(cpu) is therefore a synchronisation point.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>

#include "engine/cuda/allocator.h"
#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/device_runtime.h"
#include "engine/error.h"

namespace grain {

bool cuda_is_built() { return true; }

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return count;
}

namespace device_runtime {

void* pinned_host_allocate(size_t bytes) {
  void* ptr = nullptr;
  GRAIN_CUDA_CHECK(cudaHostAlloc(&ptr, bytes == 0 ? 64 : bytes, cudaHostAllocDefault));
  return ptr;
}

void pinned_host_release(void* ptr) noexcept {
  if (ptr && cudaFreeHost(ptr) != cudaSuccess) std::fprintf(stderr, "grain: cudaFreeHost failed\n");
}

void* allocate(Device device, size_t bytes) {
  if (device.is_cpu()) return cpu_allocate(bytes);
  cuda::Context& ctx = cuda::context(device);  // makes the device current
  void* ptr = cuda::allocator(device.index).allocate(bytes);
  if (cuda::poison_allocations() && bytes) GRAIN_CUDA_CHECK(cudaMemsetAsync(ptr, 0xFF, bytes, ctx.stream()));
  return ptr;
}

void release(Device device, void* ptr, size_t) noexcept {
  if (device.is_cpu()) return cpu_release(ptr);
  cuda::allocator(device.index).release(ptr);
}

void copy(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (bytes == 0) return;
  if (dst_device.is_cpu() && src_device.is_cpu()) {
    std::memcpy(dst, src, bytes);
    return;
  }
  const Device on = dst_device.is_cuda() ? dst_device : src_device;
  cuda::Context& ctx = cuda::context(on);
  if (dst_device.is_cuda() && src_device.is_cuda() && dst_device.index != src_device.index) {
    // Across devices: the source's queued work must finish first.
    GRAIN_CUDA_CHECK(cudaStreamSynchronize(cuda::context(src_device).stream()));
    GRAIN_CUDA_CHECK(cudaMemcpyPeerAsync(dst, dst_device.index, src, src_device.index, bytes, ctx.stream()));
  } else {
    GRAIN_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, ctx.stream()));
  }
  // Host memory is pageable: the host may reuse it as soon as we return.
  if (dst_device.is_cpu() || src_device.is_cpu()) GRAIN_CUDA_CHECK(cudaStreamSynchronize(ctx.stream()));
}

void fill_zero(void* ptr, Device device, size_t bytes) {
  if (device.is_cpu()) {
    if (bytes) std::memset(ptr, 0, bytes);
    return;
  }
  if (bytes) GRAIN_CUDA_CHECK(cudaMemsetAsync(ptr, 0, bytes, cuda::context(device).stream()));
}

void synchronize(Device device) {
  if (device.is_cuda()) GRAIN_CUDA_CHECK(cudaStreamSynchronize(cuda::context(device).stream()));
}

}  // namespace device_runtime
}  // namespace grain
