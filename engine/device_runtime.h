// defines: grain::device_runtime — memory on a device, behind one interface
//
// The CPU side is plain aligned host memory. The CUDA side is implemented in
// engine/cuda/ (a caching allocator on the device's stream) and, in builds
// without CUDA, by engine/no_cuda/ which throws a clear error: no silent
// fallback to the CPU.
#pragma once

#include <cstddef>

#include "engine/device.h"

namespace grain::device_runtime {

void* allocate(Device device, size_t bytes);
void release(Device device, void* ptr, size_t bytes) noexcept;
// Copies bytes between any two devices (host<->device, device<->device).
void copy(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes);
void fill_zero(void* ptr, Device device, size_t bytes);
// Waits for all work queued on the device.
void synchronize(Device device);

// Page-locked (pinned) host memory, for host buffers meant for fast copies to
// the GPU (the trainer puts the loader's batch buffers here on CUDA, though
// its upload still goes through a pageable tensor, and copy() waits whenever
// host memory is involved). Without the CUDA backend, pinned_host_allocate throws.
void* pinned_host_allocate(size_t bytes);
void pinned_host_release(void* ptr) noexcept;

// CPU halves, shared by both builds.
void* cpu_allocate(size_t bytes);
void cpu_release(void* ptr) noexcept;

}  // namespace grain::device_runtime
