// defines: grain::cuda::nccl_type, all_reduce, broadcast, all_gather,
//          GRAIN_NCCL_CHECK (builds with NCCL)
//
// Data-parallel training keeps parameters and gradients in one flat buffer
// per replica, so the gradient exchange is a single in-place all-reduce.
// These are NCCL's collectives queued on the device's one stream (so they
// follow the backward pass in stream order, with no host synchronisation);
// the communicator that owns the ncclComm_t is
// engine/distributed/nccl_communicator.cpp.
#pragma once

#include <cstddef>

#ifdef GRAIN_WITH_NCCL
#include <nccl.h>

#include "engine/cuda/check.h"
#include "engine/dtype.h"

namespace grain::cuda {
inline bool status_ok(ncclResult_t s) { return s == ncclSuccess; }
inline const char* status_message(ncclResult_t s) { return ncclGetErrorString(s); }

/// NCCL's type for float32, float64, int32, int64, bfloat16, float16.
ncclDataType_t nccl_type(DType dtype);

/// In place over every rank of `comm`: buffer = sum (or, with `average`,
/// sum / rank count) of the ranks' buffers; `count` elements of `type`,
/// queued on device `device`'s stream.
void all_reduce(void* buffer, size_t count, ncclDataType_t type, bool average, ncclComm_t comm, int device);

/// In place: every rank's buffer becomes rank `root`'s.
void broadcast(void* buffer, size_t count, ncclDataType_t type, int root, ncclComm_t comm, int device);

/// recv (rank count x count elements) = the ranks' `send` buffers in rank order.
void all_gather(const void* send, void* recv, size_t count, ncclDataType_t type, ncclComm_t comm, int device);
}  // namespace grain::cuda

#define GRAIN_NCCL_CHECK(statement) GRAIN_LIBRARY_CHECK_(statement, "NCCL")
#define GRAIN_NCCL_LOG(statement) GRAIN_LIBRARY_LOG_(statement, "NCCL")
#endif
