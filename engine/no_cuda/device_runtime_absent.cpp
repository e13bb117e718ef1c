// defines: grain::device_runtime for builds without the CUDA backend.
// Every CUDA request is an error naming the cause (the same message as the
// ops' dispatch, engine/backend.h); CPU requests work.
#include <cstring>

#include "engine/backend.h"
#include "engine/device_runtime.h"

namespace grain {

bool cuda_is_built() { return false; }
int cuda_device_count() { return 0; }

namespace device_runtime {

void* allocate(Device device, size_t bytes) {
  if (device.is_cuda()) throw_built_without_cuda("allocate on cuda");
  return cpu_allocate(bytes);
}

void release(Device device, void* ptr, size_t) noexcept {
  if (device.is_cpu()) cpu_release(ptr);
}

void copy(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (dst_device.is_cuda() || src_device.is_cuda()) throw_built_without_cuda("copy to/from cuda");
  if (bytes) std::memcpy(dst, src, bytes);
}

void fill_zero(void* ptr, Device device, size_t bytes) {
  if (device.is_cuda()) throw_built_without_cuda("fill on cuda");
  if (bytes) std::memset(ptr, 0, bytes);
}

void* pinned_host_allocate(size_t) { throw_built_without_cuda("pinned host memory"); }

void pinned_host_release(void*) noexcept {}

void synchronize(Device device) {
  if (device.is_cuda()) throw_built_without_cuda("synchronize cuda");
}

}  // namespace device_runtime
}  // namespace grain
