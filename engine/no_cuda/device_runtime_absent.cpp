// defines: grain::device_runtime for builds without the CUDA backend.
// Every CUDA request is an error naming the cause; CPU requests work.
#include <cstring>

#include "engine/device_runtime.h"
#include "engine/error.h"

namespace grain {

bool cuda_is_built() { return false; }
int cuda_device_count() { return 0; }

namespace device_runtime {

namespace {
[[noreturn]] void no_cuda(const char* what) {
  GRAIN_THROW(what << ": this binary was built without the CUDA backend (configure with -DENGINE_CUDA=ON)");
}
}  // namespace

void* allocate(Device device, size_t bytes) {
  if (device.is_cuda()) no_cuda("allocate on cuda");
  return cpu_allocate(bytes);
}

void release(Device device, void* ptr, size_t) noexcept {
  if (device.is_cpu()) cpu_release(ptr);
}

void copy(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (dst_device.is_cuda() || src_device.is_cuda()) no_cuda("copy to/from cuda");
  if (bytes) std::memcpy(dst, src, bytes);
}

void fill_zero(void* ptr, Device device, size_t bytes) {
  if (device.is_cuda()) no_cuda("fill on cuda");
  if (bytes) std::memset(ptr, 0, bytes);
}

void* pinned_host_allocate(size_t) { no_cuda("pinned host memory"); }

void pinned_host_release(void*) noexcept {}

void synchronize(Device device) {
  if (device.is_cuda()) no_cuda("synchronize cuda");
}

}  // namespace device_runtime
}  // namespace grain
