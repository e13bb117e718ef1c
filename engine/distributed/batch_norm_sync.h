// defines: grain::distributed::BatchNormSync — synchronised batch norm over a communicator
//
// The batch-norm op sums its per-channel statistics through the small
// CrossProcessSum hook (engine/ops/batch_norm.h) so that it needs neither MPI
// nor NCCL; this is the hook's implementation for a data-parallel job: an
// all-reduce sum over the communicator (MPI for CPU tensors, NCCL on the
// device stream for CUDA ones). The trainer creates one for a world of
// several processes when train.sync_batch_norm is true and passes it in the
// ForwardContext; a world of one passes none.
#pragma once

#include "engine/distributed/communicator.h"
#include "engine/ops/batch_norm.h"

namespace grain::distributed {

class BatchNormSync final : public CrossProcessSum {
 public:
  explicit BatchNormSync(Communicator& comm) : comm_(comm) {}
  void sum(Tensor& t) override { comm_.all_reduce_sum(t); }

 private:
  Communicator& comm_;
};

}  // namespace grain::distributed
