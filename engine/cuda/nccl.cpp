// defines: grain::cuda::all_reduce_sum (see nccl.h)
#include "engine/cuda/nccl.h"

#ifdef GRAIN_WITH_NCCL
#include "engine/cuda/context.h"
#include "kernels/cuda/elementwise.h"

namespace grain::cuda {

void all_reduce_sum(float* buffer, size_t count, ncclComm_t comm, int device, bool average) {
  Context& ctx = context(device);
  GRAIN_NCCL_CHECK(ncclAllReduce(buffer, buffer, count, ncclFloat32, ncclSum, comm, ctx.stream()));
  if (average) {
    int ranks = 1;
    GRAIN_NCCL_CHECK(ncclCommCount(comm, &ranks));
    kernels::cuda::scale(buffer, buffer, 1.0f / static_cast<float>(ranks), static_cast<int64_t>(count), ctx.stream());
  }
  after_op("all_reduce_sum", device);
}

}  // namespace grain::cuda
#endif
