// defines: grain::cuda::Context and the backend's switches (see context.h)
#include "engine/cuda/context.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "engine/cuda/allocator.h"
#include "engine/cuda/check.h"
#include "engine/error.h"

namespace grain::cuda {

const char* status_message(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
  }
  return "unknown cuBLAS status";
}

void log_failure(const char* file, int line, const char* statement, const std::string& message) noexcept {
  std::fprintf(stderr, "grain: %s:%d: %s failed: %s\n", file, line, statement, message.c_str());
}

namespace {

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::strcmp(v, "0") != 0;
}

std::atomic<bool> g_deterministic{env_flag("GRAIN_CUDA_DETERMINISTIC")};
std::atomic<bool> g_tf32{env_flag("GRAIN_CUDA_TF32")};
std::atomic<bool> g_sync{env_flag("GRAIN_CUDA_SYNC")};
std::atomic<bool> g_poison{env_flag("GRAIN_CUDA_POISON")};

}  // namespace

void set_deterministic(bool on) { g_deterministic = on; }
bool deterministic() { return g_deterministic; }
void set_tf32(bool on) { g_tf32 = on; }
bool tf32() { return g_tf32; }
bool sync_after_op() { return g_sync; }
void set_poison_allocations(bool on) { g_poison = on; }
bool poison_allocations() { return g_poison; }

Context::Context(int device) : device_(device) {
  GRAIN_CUDA_CHECK(cudaSetDevice(device));
  GRAIN_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  GRAIN_CUDNN_CHECK(cudnnCreate(&cudnn_));
  GRAIN_CUDNN_CHECK(cudnnSetStream(cudnn_, stream_));
  GRAIN_CUBLAS_CHECK(cublasCreate(&cublas_));
  GRAIN_CUBLAS_CHECK(cublasSetStream(cublas_, stream_));
  GRAIN_CUBLAS_CHECK(cublasSetPointerMode(cublas_, CUBLAS_POINTER_MODE_HOST));
}

Context::~Context() {
  if (workspace_) allocator(device_).release(workspace_);
  if (cublas_) GRAIN_CUBLAS_LOG(cublasDestroy(cublas_));
  if (cudnn_) GRAIN_CUDNN_LOG(cudnnDestroy(cudnn_));
  if (stream_) GRAIN_CUDA_LOG(cudaStreamDestroy(stream_));
}

cublasHandle_t Context::cublas() {
  // Pedantic float32 when TF32 is off, so results match the CPU to rounding.
  GRAIN_CUBLAS_CHECK(cublasSetMathMode(cublas_, tf32() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_PEDANTIC_MATH));
  return cublas_;
}

void* Context::workspace(size_t bytes) {
  if (bytes <= workspace_bytes_) return workspace_;
  if (workspace_) allocator(device_).release(workspace_);
  workspace_ = nullptr;
  workspace_bytes_ = 0;
  workspace_ = allocator(device_).allocate(bytes);
  workspace_bytes_ = bytes;
  return workspace_;
}

Context& context(int device) {
  // Leaked on purpose (see allocator()): no teardown order problems at exit.
  static std::array<Context*, 64> contexts{};
  static std::mutex mutex;
  GRAIN_CHECK(device >= 0 && device < 64, "cuda: device index " << device << " out of range");
  std::lock_guard<std::mutex> lock(mutex);
  if (!contexts[device]) contexts[device] = new Context(device);
  GRAIN_CUDA_CHECK(cudaSetDevice(device));
  return *contexts[device];
}

void after_op(const char* op, int device) {
  if (!sync_after_op()) return;
  const cudaError_t status = cudaStreamSynchronize(context(device).stream());
  if (status != cudaSuccess)
    GRAIN_THROW(op << ": asynchronous CUDA error (GRAIN_CUDA_SYNC=1 located it in this op): "
                   << cudaGetErrorString(status));
  const cudaError_t last = cudaGetLastError();
  if (last != cudaSuccess) GRAIN_THROW(op << ": CUDA error after the op: " << cudaGetErrorString(last));
}

DeviceBuffer::DeviceBuffer(int device, size_t bytes)
    : device_(device), data_(bytes ? allocator(device).allocate(bytes) : nullptr), bytes_(bytes) {}

DeviceBuffer::~DeviceBuffer() {
  if (data_) allocator(device_).release(data_);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : device_(other.device_), data_(other.data_), bytes_(other.bytes_) {
  other.data_ = nullptr;
  other.bytes_ = 0;
}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    if (data_) allocator(device_).release(data_);
    device_ = other.device_;
    data_ = other.data_;
    bytes_ = other.bytes_;
    other.data_ = nullptr;
    other.bytes_ = 0;
  }
  return *this;
}

int cudnn_version() { return static_cast<int>(cudnnGetVersion()); }

const char* device_name(int device) {
  static std::array<std::string, 64> names;
  if (names[device].empty()) {
    cudaDeviceProp prop{};
    GRAIN_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    names[device] = prop.name;
  }
  return names[device].c_str();
}

}  // namespace grain::cuda
