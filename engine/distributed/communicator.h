// defines: grain::distributed::Communicator, ReduceOp, make_communicator,
//          make_local_communicator, make_mpi_communicator, make_nccl_communicator,
//          all_gather_strings, broadcast_string
//
// One interface for the collectives of data-parallel training, three
// implementations chosen once at start-up by make_communicator:
//
//   local  a world of one process: every collective is the identity (an
//          all-gather adds the leading axis of size 1); no library, no cost.
//   MPI    (GRAIN_MPI builds) CPU tensors, in place, through MPI_COMM_WORLD;
//          also the job's start-up (mpirun, or srun with PMIx), its barrier
//          and its abort.
//   NCCL   (CUDA builds with NCCL) CUDA tensors, queued on the device's one
//          stream (engine/cuda/context.h) like every other op, so the
//          all-reduce of the flat gradient buffer follows the backward pass
//          in stream order without a host synchronisation. Under mpirun or
//          srun it is built on a host communicator (MPI) that broadcasts the
//          NCCL unique id, carries CPU tensors, the barrier and the abort.
//          Under a torchrun-style launch there is no MPI: the id comes
//          through a small TCP rendezvous (rendezvous.h, only the id), CPU
//          tensors are copied through the device, the barrier is a NCCL
//          all-reduce and abort ends this process (the launcher the rest).
//
// The public functions are non-virtual: they check the tensor (defined,
// dtype float32/float64/int32/int64, averaging floating only) and that every
// rank passes the same element count and dtype (one small host all-reduce,
// so a mismatch is an error on every rank instead of a hang or a corrupted
// buffer), then call the back end. The collectives are MPI's and NCCL's; our
// only socket code is the rendezvous that hands out NCCL's id.
//
// Failures end the job: abort(message) prints "grain: rank R of W aborts:
// message" on stderr and takes every process down (MPI_Abort; the local
// communicator exits with status 1). A communicator destroyed while an
// exception unwinds aborts too, since finalising MPI while the other ranks
// wait in a collective would hang.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/device.h"
#include "engine/distributed/launch_env.h"
#include "engine/tensor.h"

namespace grain::distributed {

enum class ReduceOp { kSum, kAverage };

class Communicator {
 public:
  virtual ~Communicator() = default;
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  /// "local", "MPI", "NCCL".
  virtual const char* backend_name() const = 0;

  /// In place: t = sum over ranks of t.
  void all_reduce_sum(Tensor& t);
  /// In place: t = (sum over ranks of t) / world_size (float32/float64).
  void all_reduce_average(Tensor& t);
  /// In place: every rank's t becomes root's t.
  void broadcast(Tensor& t, int root);
  /// Shape (world_size, ...t.shape): row r is rank r's t, on t's device.
  Tensor all_gather(const Tensor& t);
  /// Returns when every rank has called it.
  virtual void barrier() = 0;
  /// Prints the message naming this rank on stderr and ends every process of the job.
  [[noreturn]] virtual void abort(const std::string& message) = 0;

 protected:
  Communicator() = default;
  virtual void all_reduce_impl(Tensor& t, ReduceOp op) = 0;
  virtual void broadcast_impl(Tensor& t, int root) = 0;
  /// `out` is allocated by the caller: (world_size, ...t.shape), t's device and dtype.
  virtual void all_gather_impl(const Tensor& t, Tensor& out) = 0;
  /// The communicator that carries CPU tensors (itself, except NCCL's MPI):
  /// the public functions hand a CPU tensor to host()'s implementation.
  virtual Communicator& host() { return *this; }

 private:
  void check_tensor(const char* op, const Tensor& t, bool floating_only);
  Communicator& backend_for(const Tensor& t);
  /// Every rank passes the same (numel, dtype): throws on every rank, naming `op`, otherwise.
  void check_same_on_all_ranks(const char* op, const Tensor& t);
};

/// Every rank's `text`, in rank order, on every rank: an all-gather of the
/// lengths, then of the bytes padded to the longest (CPU; for results
/// gathered before they are scored, e.g. a sharded validation's predictions).
std::vector<std::string> all_gather_strings(Communicator& comm, const std::string& text);

/// Root's `text` on every rank (the others' `text` is not read): a broadcast
/// of the length, then of the bytes (CPU; e.g. rank 0's config, which every
/// process compares with its own).
std::string broadcast_string(Communicator& comm, const std::string& text, int root);

/// The communicator for this process's launch: local for a world of one;
/// otherwise MPI (for `device` CPU) or NCCL over MPI (for a CUDA device,
/// env.cuda_device); for a torchrun-style launch on a CUDA device, NCCL with
/// the id from the rendezvous (no MPI). Throws naming GRAIN_MPI when the
/// build has no MPI, NCCL when a CUDA world has no NCCL, mpirun and srun for
/// a torchrun-style world of several CPU processes (the CPU collectives are
/// MPI's), and the launcher variables when MPI's view of the world disagrees
/// with them (e.g. srun without --mpi=pmix).
std::unique_ptr<Communicator> make_communicator(const LaunchEnv& env, Device device);

/// A world of one process.
std::unique_ptr<Communicator> make_local_communicator();

/// MPI_COMM_WORLD (initialises MPI; one per process). Throws in builds without MPI.
std::unique_ptr<Communicator> make_mpi_communicator();

/// NCCL over the ranks of `host` (which broadcasts the unique id and keeps
/// serving CPU tensors) on CUDA device `device`. Throws in builds without NCCL.
std::unique_ptr<Communicator> make_nccl_communicator(std::unique_ptr<Communicator> host, int device);

/// NCCL without a host communicator, for a torchrun-style world: rank 0's
/// unique id reaches the others through the rendezvous (rendezvous.h) at
/// env.master_addr:env.rendezvous_port within env.rendezvous_timeout_s
/// (its peers proving env.rendezvous_token; on every interface with
/// env.rendezvous_listen_all), on CUDA device env.cuda_device. CPU tensors are copied to the device and
/// back; barrier() is a one-element all-reduce; abort() aborts NCCL, prints
/// the rank and exits this process with status 1. Throws in builds without NCCL.
std::unique_ptr<Communicator> make_nccl_communicator_rendezvous(const LaunchEnv& env);

}  // namespace grain::distributed
