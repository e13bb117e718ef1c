// defines: make_nccl_communicator (see communicator.h)
//
// NCCL for CUDA tensors of one device, over the ranks of a host communicator
// (MPI in a job, or the local one for a world of one): rank 0 makes the NCCL
// unique id and the host broadcasts it (as 16 int64 on the CPU), then every
// rank joins with ncclCommInitRank on its device. CPU tensors, the barrier
// and the abort stay with the host (Communicator::host()). Collectives are
// queued on the device's stream (engine/cuda/nccl.h) and return at once.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/cuda/nccl.h"
#include "engine/distributed/communicator.h"
#include "engine/error.h"

namespace grain::distributed {
namespace {

static_assert(sizeof(ncclUniqueId) % sizeof(int64_t) == 0, "the NCCL id travels as int64 values");

class NcclCommunicator final : public Communicator {
 public:
  NcclCommunicator(std::unique_ptr<Communicator> host, int device) : host_(std::move(host)), device_(device) {
    GRAIN_CHECK(host_ != nullptr, "distributed: the NCCL communicator needs a host communicator");
    GRAIN_CHECK(device >= 0 && device < cuda_device_count(),
                "distributed: rank " << host_->rank() << " wants cuda:" << device << " but "
                                     << cuda_device_count()
                                     << " CUDA devices are visible (set GRAIN_CUDA_DEVICE, docs/distributed.md)");
    ncclUniqueId id;
    std::memset(&id, 0, sizeof(id));
    if (host_->rank() == 0) GRAIN_NCCL_CHECK(ncclGetUniqueId(&id));
    Tensor id_tensor = Tensor::zeros({static_cast<int64_t>(sizeof(id) / sizeof(int64_t))}, DType::kInt64);
    std::memcpy(id_tensor.raw_data(), &id, sizeof(id));
    host_->broadcast(id_tensor, 0);
    std::memcpy(&id, id_tensor.raw_data(), sizeof(id));
    cuda::context(device_);  // makes the device current: ncclCommInitRank binds to it
    GRAIN_NCCL_CHECK(ncclCommInitRank(&comm_, host_->world_size(), id, host_->rank()));
  }

  ~NcclCommunicator() override {
    if (std::uncaught_exceptions() > 0)
      abort("an exception propagated past the communicator (catch it and call abort(message) to print it)");
    // Pending collectives finish before the communicator goes.
    GRAIN_CUDA_LOG(cudaStreamSynchronize(cuda::context(device_).stream()));
    GRAIN_NCCL_LOG(ncclCommDestroy(comm_));
  }

  int rank() const override { return host_->rank(); }
  int world_size() const override { return host_->world_size(); }
  const char* backend_name() const override { return "NCCL"; }
  void barrier() override { host_->barrier(); }

  [[noreturn]] void abort(const std::string& message) override {
    // Ends this rank's NCCL work (a peer stuck in a collective would
    // otherwise never return), then the host ends the job.
    if (comm_ != nullptr) ncclCommAbort(comm_);
    comm_ = nullptr;
    host_->abort(message);
    std::_Exit(1);  // host_->abort does not return; this keeps [[noreturn]] honest
  }

 protected:
  Communicator& host() override { return *host_; }

  void all_reduce_impl(Tensor& t, ReduceOp op) override {
    check_device("all_reduce", t);
    cuda::all_reduce(t.raw_data(), static_cast<size_t>(t.numel()), cuda::nccl_type(t.dtype()),
                     op == ReduceOp::kAverage, comm_, device_);
  }

  void broadcast_impl(Tensor& t, int root) override {
    check_device("broadcast", t);
    cuda::broadcast(t.raw_data(), static_cast<size_t>(t.numel()), cuda::nccl_type(t.dtype()), root, comm_, device_);
  }

  void all_gather_impl(const Tensor& t, Tensor& out) override {
    check_device("all_gather", t);
    cuda::all_gather(t.raw_data(), out.raw_data(), static_cast<size_t>(t.numel()), cuda::nccl_type(t.dtype()),
                     comm_, device_);
  }

 private:
  void check_device(const char* op, const Tensor& t) const {
    GRAIN_CHECK(t.device() == Device::cuda(device_), op << ": the NCCL communicator of rank " << rank()
                                                        << " serves cuda:" << device_ << ", got a "
                                                        << t.device().str() << " tensor");
  }

  std::unique_ptr<Communicator> host_;
  int device_;
  ncclComm_t comm_ = nullptr;
};

}  // namespace

std::unique_ptr<Communicator> make_nccl_communicator(std::unique_ptr<Communicator> host, int device) {
  return std::make_unique<NcclCommunicator>(std::move(host), device);
}

}  // namespace grain::distributed
