// defines: grain::cuda::Context, context(device), settings (deterministic, TF32,
//          synchronise-after-op), after_op, DeviceBuffer
//
// One Context per device: the stream every kernel, cuDNN and cuBLAS call of
// that device runs on, the two library handles bound to it, and a workspace
// arena (one growing device buffer reused by every cuDNN call; calls are
// serialised on the stream, so one buffer suffices).
//
// Process-wide switches:
//   deterministic  cuDNN keeps only algorithms flagged deterministic; custom
//                  kernels never use atomics for sums anyway. Default off;
//                  GRAIN_CUDA_DETERMINISTIC=1 turns it on.
//   tf32           TF32 tensor-core math in cuDNN convolutions and cuBLAS.
//                  Default off (exact float32); GRAIN_CUDA_TF32=1 turns it on.
//   sync after op  GRAIN_CUDA_SYNC=1: every op synchronises its stream and
//                  checks for errors, so an asynchronous fault names its op.
//   poison         GRAIN_CUDA_POISON=1: every new device tensor is filled with
//                  0xFF bytes (NaN in float32) so an element an op forgets to
//                  write shows up as NaN (the parity tests turn this on).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <cstddef>

#include "engine/device.h"

namespace grain::cuda {

class Context {
 public:
  explicit Context(int device);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  int device() const { return device_; }
  cudaStream_t stream() const { return stream_; }
  cudnnHandle_t cudnn() const { return cudnn_; }
  // The cuBLAS handle with its math mode set from the current TF32 switch.
  cublasHandle_t cublas();
  // A scratch buffer of at least `bytes` on this device, valid until the
  // next call (grows, never shrinks).
  void* workspace(size_t bytes);
  size_t workspace_bytes() const { return workspace_bytes_; }

 private:
  int device_;
  cudaStream_t stream_ = nullptr;
  cudnnHandle_t cudnn_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  void* workspace_ = nullptr;
  size_t workspace_bytes_ = 0;
};

// The context of a device (created on first use; makes it the current device).
Context& context(int device);
inline Context& context(Device d) { return context(d.index); }

void set_deterministic(bool on);
bool deterministic();
void set_tf32(bool on);
bool tf32();
bool sync_after_op();  // GRAIN_CUDA_SYNC=1
void set_poison_allocations(bool on);
bool poison_allocations();

// Called by every CUDA op after queuing its work: a no-op unless
// sync_after_op(), then synchronises and throws naming `op`.
void after_op(const char* op, int device);

// Scoped switches (tests): restore the previous value on exit.
class DeterministicScope {
 public:
  explicit DeterministicScope(bool on) : previous_(deterministic()) { set_deterministic(on); }
  ~DeterministicScope() { set_deterministic(previous_); }
 private:
  bool previous_;
};
class Tf32Scope {
 public:
  explicit Tf32Scope(bool on) : previous_(tf32()) { set_tf32(on); }
  ~Tf32Scope() { set_tf32(previous_); }
 private:
  bool previous_;
};

// RAII device memory from the caching allocator (scratch that is not a Tensor).
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(int device, size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void* data() const { return data_; }
  template <typename T> T* as() const { return static_cast<T*>(data_); }
  size_t bytes() const { return bytes_; }

 private:
  int device_ = 0;
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

// The library versions, for reports: "cuDNN 9.19.0", the device name.
int cudnn_version();
const char* device_name(int device);

}  // namespace grain::cuda
