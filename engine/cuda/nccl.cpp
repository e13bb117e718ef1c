// defines: grain::cuda::nccl_type, all_reduce, broadcast, all_gather (see nccl.h)
#include "engine/cuda/nccl.h"

#ifdef GRAIN_WITH_NCCL
#include "engine/cuda/context.h"

// ncclAvg (the gradient mean in one pass) arrived in NCCL 2.10.
static_assert(NCCL_VERSION_CODE >= NCCL_VERSION(2, 10, 0), "grain needs NCCL 2.10 or newer (ncclAvg)");

namespace grain::cuda {

ncclDataType_t nccl_type(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return ncclFloat32;
    case DType::kFloat64: return ncclFloat64;
    case DType::kInt32: return ncclInt32;
    case DType::kInt64: return ncclInt64;
    case DType::kBFloat16: return ncclBfloat16;
    case DType::kFloat16: return ncclFloat16;
  }
  GRAIN_THROW("nccl: no NCCL type for dtype " << dtype_name(dtype));
}

void all_reduce(void* buffer, size_t count, ncclDataType_t type, bool average, ncclComm_t comm, int device) {
  Context& ctx = context(device);
  GRAIN_NCCL_CHECK(ncclAllReduce(buffer, buffer, count, type, average ? ncclAvg : ncclSum, comm, ctx.stream()));
  after_op("all_reduce", device);
}

void broadcast(void* buffer, size_t count, ncclDataType_t type, int root, ncclComm_t comm, int device) {
  Context& ctx = context(device);
  GRAIN_NCCL_CHECK(ncclBroadcast(buffer, buffer, count, type, root, comm, ctx.stream()));
  after_op("broadcast", device);
}

void all_gather(const void* send, void* recv, size_t count, ncclDataType_t type, ncclComm_t comm, int device) {
  Context& ctx = context(device);
  GRAIN_NCCL_CHECK(ncclAllGather(send, recv, count, type, comm, ctx.stream()));
  after_op("all_gather", device);
}

}  // namespace grain::cuda
#endif
