// defines: grain::cuda::all_reduce_sum, GRAIN_NCCL_CHECK (builds with NCCL)
//
// Data-parallel training keeps parameters and gradients in one flat buffer
// per replica, so the gradient exchange is a single in-place all-reduce.
#pragma once

#include <cstddef>

#ifdef GRAIN_WITH_NCCL
#include <nccl.h>

#include "engine/cuda/check.h"

namespace grain::cuda {
inline bool status_ok(ncclResult_t s) { return s == ncclSuccess; }
inline const char* status_message(ncclResult_t s) { return ncclGetErrorString(s); }

// In-place sum of `count` float32 values of `buffer` over every rank of
// `comm`, queued on the device's stream; with `average`, divides by the rank
// count afterwards (the gradient mean).
void all_reduce_sum(float* buffer, size_t count, ncclComm_t comm, int device, bool average);
}  // namespace grain::cuda

#define GRAIN_NCCL_CHECK(statement) GRAIN_LIBRARY_CHECK_(statement, "NCCL")
#define GRAIN_NCCL_LOG(statement) GRAIN_LIBRARY_LOG_(statement, "NCCL")
#endif
