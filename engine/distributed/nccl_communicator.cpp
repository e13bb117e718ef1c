// defines: make_nccl_communicator, make_nccl_communicator_rendezvous (see communicator.h)
//
// NCCL for CUDA tensors of one device. Two ways to start it:
//
//   over a host communicator (MPI in a job, or the local one for a world of
//   one): rank 0 makes the NCCL unique id and the host broadcasts it (as 16
//   int64 on the CPU). CPU tensors, the barrier and the abort stay with the
//   host (Communicator::host()), and the job ends through MPI_Abort.
//   without one (a torchrun-style launch): the id travels through the TCP
//   rendezvous of rendezvous.h, which carries nothing else. Then there is no
//   CPU collective library at all, so this communicator serves CPU tensors
//   itself by copying them to its device, running the NCCL collective and
//   copying back (the trainer's few small CPU collectives: the step's 4
//   losses, the per-call size check, the gathered validation texts); the
//   barrier is a one-element NCCL all-reduce followed by a wait on the
//   stream; abort() aborts the NCCL communicator, prints the rank and exits
//   this process with status 1, and the launcher (torchrun stops every
//   worker when one fails) ends the others.
//
// In both, every rank joins with ncclCommInitRank on its device, and
// collectives are queued on the device's stream (engine/cuda/nccl.h) and
// return at once.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/cuda/nccl.h"
#include "engine/device_runtime.h"
#include "engine/distributed/communicator.h"
#include "engine/distributed/rendezvous.h"
#include "engine/error.h"

namespace grain::distributed {
namespace {

static_assert(sizeof(ncclUniqueId) % sizeof(int64_t) == 0, "the NCCL id travels as int64 values");

void check_device_index(int rank, int device) {
  GRAIN_CHECK(device >= 0 && device < cuda_device_count(),
              "distributed: rank " << rank << " wants cuda:" << device << " but " << cuda_device_count()
                                   << " CUDA devices are visible (set GRAIN_CUDA_DEVICE, docs/distributed.md)");
}

class NcclCommunicator final : public Communicator {
 public:
  // Over a host communicator, which broadcasts the id.
  NcclCommunicator(std::unique_ptr<Communicator> host, int device)
      : host_(std::move(host)), device_(device) {
    GRAIN_CHECK(host_ != nullptr, "distributed: the NCCL communicator needs a host communicator");
    rank_ = host_->rank();
    world_size_ = host_->world_size();
    check_device_index(rank_, device_);
    ncclUniqueId id;
    std::memset(&id, 0, sizeof(id));
    if (rank_ == 0) GRAIN_NCCL_CHECK(ncclGetUniqueId(&id));
    Tensor id_tensor = Tensor::zeros({static_cast<int64_t>(sizeof(id) / sizeof(int64_t))}, DType::kInt64);
    std::memcpy(id_tensor.raw_data(), &id, sizeof(id));
    host_->broadcast(id_tensor, 0);
    std::memcpy(&id, id_tensor.raw_data(), sizeof(id));
    init(id);
  }

  // A torchrun-style world: the id through the rendezvous at master_addr:port.
  explicit NcclCommunicator(const LaunchEnv& env)
      : device_(env.cuda_device), rank_(env.rank), world_size_(env.world_size) {
    check_device_index(rank_, device_);
    ncclUniqueId id;
    std::memset(&id, 0, sizeof(id));
    if (rank_ == 0) GRAIN_NCCL_CHECK(ncclGetUniqueId(&id));
    RendezvousOptions options;
    options.token = env.rendezvous_token;
    options.listen_all = env.rendezvous_listen_all;
    rendezvous_exchange(env.master_addr, env.rendezvous_port, rank_, world_size_, &id, sizeof(id),
                        env.rendezvous_timeout_s, options);
    init(id);
  }

  ~NcclCommunicator() override {
    if (std::uncaught_exceptions() > 0)
      abort("an exception propagated past the communicator (catch it and call abort(message) to print it)");
    // Pending collectives finish before the communicator goes.
    GRAIN_CUDA_LOG(cudaStreamSynchronize(cuda::context(device_).stream()));
    GRAIN_NCCL_LOG(ncclCommDestroy(comm_));
  }

  int rank() const override { return rank_; }
  int world_size() const override { return world_size_; }
  const char* backend_name() const override { return "NCCL"; }

  void barrier() override {
    if (host_) return host_->barrier();
    // Every rank contributes to one element; the wait on the stream returns
    // only once the all-reduce, and so every rank's part, has completed.
    Tensor token = Tensor::zeros({1}, DType::kInt32, Device::cuda(device_));
    cuda::all_reduce(token.raw_data(), 1, ncclInt32, false, comm_, device_);
    device_runtime::synchronize(Device::cuda(device_));
  }

  [[noreturn]] void abort(const std::string& message) override {
    // Ends this rank's NCCL work (a peer stuck in a collective would
    // otherwise never return), then the job ends.
    if (comm_ != nullptr) ncclCommAbort(comm_);
    comm_ = nullptr;
    if (host_) host_->abort(message);
    // No host: this process ends; the launcher ends the others.
    std::fprintf(stderr, "grain: rank %d of %d aborts: %s\n", rank_, world_size_, message.c_str());
    std::fflush(stderr);
    std::_Exit(1);
  }

 protected:
  Communicator& host() override { return host_ ? *host_ : *this; }

  void all_reduce_impl(Tensor& t, ReduceOp op) override {
    if (t.device().is_cpu()) return through_device(t, [&](Tensor& d) { all_reduce_impl(d, op); });
    check_device("all_reduce", t);
    cuda::all_reduce(t.raw_data(), static_cast<size_t>(t.numel()), cuda::nccl_type(t.dtype()),
                     op == ReduceOp::kAverage, comm_, device_);
  }

  void broadcast_impl(Tensor& t, int root) override {
    if (t.device().is_cpu()) return through_device(t, [&](Tensor& d) { broadcast_impl(d, root); });
    check_device("broadcast", t);
    cuda::broadcast(t.raw_data(), static_cast<size_t>(t.numel()), cuda::nccl_type(t.dtype()), root, comm_, device_);
  }

  void all_gather_impl(const Tensor& t, Tensor& out) override {
    if (t.device().is_cpu()) {
      // Only without a host (CPU tensors go to the host otherwise): stage both.
      GRAIN_CHECK(host_ == nullptr && out.device().is_cpu(), "all_gather: a CPU tensor reached NCCL");
      const Tensor d = t.to(Device::cuda(device_));
      Tensor d_out = Tensor::empty(out.shape(), out.dtype(), Device::cuda(device_));
      all_gather_impl(d, d_out);
      device_runtime::copy(out.raw_data(), out.device(), d_out.raw_data(), d_out.device(), out.nbytes());
      return;
    }
    check_device("all_gather", t);
    cuda::all_gather(t.raw_data(), out.raw_data(), static_cast<size_t>(t.numel()), cuda::nccl_type(t.dtype()),
                     comm_, device_);
  }

 private:
  void init(const ncclUniqueId& id) {
    cuda::context(device_);  // makes the device current: ncclCommInitRank binds to it
    GRAIN_NCCL_CHECK(ncclCommInitRank(&comm_, world_size_, id, rank_));
  }

  // A CPU tensor without a host: to the device, the collective, and back
  // (the copy back waits for the stream, so `t` holds the result on return).
  template <typename Collective>
  void through_device(Tensor& t, Collective&& collective) {
    GRAIN_CHECK(host_ == nullptr, "distributed: a CPU tensor reached NCCL although MPI serves CPU tensors");
    Tensor d = t.to(Device::cuda(device_));
    collective(d);
    device_runtime::copy(t.raw_data(), t.device(), d.raw_data(), d.device(), t.nbytes());
  }

  void check_device(const char* op, const Tensor& t) const {
    GRAIN_CHECK(t.device() == Device::cuda(device_), op << ": the NCCL communicator of rank " << rank()
                                                        << " serves cuda:" << device_ << ", got a "
                                                        << t.device().str() << " tensor");
  }

  std::unique_ptr<Communicator> host_;  // null in a torchrun-style world
  int device_;
  int rank_ = 0;
  int world_size_ = 1;
  ncclComm_t comm_ = nullptr;
};

}  // namespace

std::unique_ptr<Communicator> make_nccl_communicator(std::unique_ptr<Communicator> host, int device) {
  return std::make_unique<NcclCommunicator>(std::move(host), device);
}

std::unique_ptr<Communicator> make_nccl_communicator_rendezvous(const LaunchEnv& env) {
  return std::make_unique<NcclCommunicator>(env);
}

}  // namespace grain::distributed
