// defines: GRAIN_CUDA_CHECK, GRAIN_CUDNN_CHECK, GRAIN_CUBLAS_CHECK, GRAIN_NCCL_CHECK
//          and their _LOG twins for destructors.
//
// One macro generator for every library of the CUDA backend: a failing call
// throws grain::Error carrying the statement as written, file:line and the
// library's own message ("engine/ops/conv.cu:88: cudnnConvolutionForward(...)
// failed: CUDNN_STATUS_BAD_PARAM"). Destructors must not throw, so the _LOG
// forms print the same text to stderr and carry on.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <string>

#include "engine/error.h"

namespace grain::cuda {

inline const char* status_message(cudaError_t s) { return cudaGetErrorString(s); }
inline const char* status_message(cudnnStatus_t s) { return cudnnGetErrorString(s); }
const char* status_message(cublasStatus_t s);

inline bool status_ok(cudaError_t s) { return s == cudaSuccess; }
inline bool status_ok(cudnnStatus_t s) { return s == CUDNN_STATUS_SUCCESS; }
inline bool status_ok(cublasStatus_t s) { return s == CUBLAS_STATUS_SUCCESS; }

// Prints "file:line: statement failed: message" to stderr (destructor path).
void log_failure(const char* file, int line, const char* statement, const std::string& message) noexcept;

}  // namespace grain::cuda

// The generator: status_ok / status_message are overloaded on the status type
// of each library (NCCL's live in engine/cuda/nccl.h), so one body serves all.
#define GRAIN_LIBRARY_CHECK_(statement, kind)                                                            \
  do {                                                                                                   \
    const auto grain_status_ = (statement);                                                              \
    if (!::grain::cuda::status_ok(grain_status_))                                                        \
      ::grain::throw_error(__FILE__, __LINE__,                                                           \
                           std::string(#statement " failed (" kind "): ") +                              \
                               ::grain::cuda::status_message(grain_status_));                            \
  } while (0)

#define GRAIN_LIBRARY_LOG_(statement, kind)                                                              \
  do {                                                                                                   \
    const auto grain_status_ = (statement);                                                              \
    if (!::grain::cuda::status_ok(grain_status_))                                                        \
      ::grain::cuda::log_failure(__FILE__, __LINE__, #statement " (" kind ")",                           \
                                 ::grain::cuda::status_message(grain_status_));                          \
  } while (0)

#define GRAIN_CUDA_CHECK(statement) GRAIN_LIBRARY_CHECK_(statement, "CUDA")
#define GRAIN_CUDNN_CHECK(statement) GRAIN_LIBRARY_CHECK_(statement, "cuDNN")
#define GRAIN_CUBLAS_CHECK(statement) GRAIN_LIBRARY_CHECK_(statement, "cuBLAS")
#define GRAIN_CUDA_LOG(statement) GRAIN_LIBRARY_LOG_(statement, "CUDA")
#define GRAIN_CUDNN_LOG(statement) GRAIN_LIBRARY_LOG_(statement, "cuDNN")
#define GRAIN_CUBLAS_LOG(statement) GRAIN_LIBRARY_LOG_(statement, "cuBLAS")

// A kernel launch: checks the launch configuration error right away.
#define GRAIN_CUDA_CHECK_LAUNCH() GRAIN_CUDA_CHECK(cudaGetLastError())
