// defines: Communicator's checked entry points, all_gather_strings,
//          broadcast_string, the local communicator, make_communicator, and
//          the refusals of builds without MPI or NCCL (see communicator.h)
#include "engine/distributed/communicator.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "engine/device_runtime.h"
#include "engine/error.h"

namespace grain::distributed {

void Communicator::check_tensor(const char* op, const Tensor& t, bool floating_only) {
  GRAIN_CHECK(t.defined(), op << ": undefined tensor");
  const DType d = t.dtype();
  const bool floating = d == DType::kFloat32 || d == DType::kFloat64;
  const bool integer = d == DType::kInt32 || d == DType::kInt64;
  GRAIN_CHECK(floating || (!floating_only && integer),
              op << ": dtype " << dtype_name(d) << " is not supported (float32, float64"
                 << (floating_only ? "" : ", int32, int64") << ")");
}

void Communicator::check_same_on_all_ranks(const char* op, const Tensor& t) {
  if (world_size() == 1) return;
  const Tensor mine = Tensor::from_indices({t.numel(), static_cast<int64_t>(t.dtype())}, {2});
  Tensor all = Tensor::empty({world_size(), 2}, DType::kInt64);
  host().all_gather_impl(mine, all);
  const int64_t* rows = all.data<int64_t>();
  for (int r = 0; r < world_size(); ++r) {
    GRAIN_CHECK(rows[2 * r] == t.numel() && rows[2 * r + 1] == static_cast<int64_t>(t.dtype()),
                op << ": rank " << rank() << " passes " << t.numel() << " " << dtype_name(t.dtype())
                   << " elements but rank " << r << " passes " << rows[2 * r] << " "
                   << dtype_name(static_cast<DType>(rows[2 * r + 1])) << " (every rank must pass the same)");
  }
}

Communicator& Communicator::backend_for(const Tensor& t) { return t.device().is_cpu() ? host() : *this; }

void Communicator::all_reduce_sum(Tensor& t) {
  check_tensor("all_reduce_sum", t, false);
  check_same_on_all_ranks("all_reduce_sum", t);
  backend_for(t).all_reduce_impl(t, ReduceOp::kSum);
}

void Communicator::all_reduce_average(Tensor& t) {
  check_tensor("all_reduce_average", t, true);
  check_same_on_all_ranks("all_reduce_average", t);
  backend_for(t).all_reduce_impl(t, ReduceOp::kAverage);
}

void Communicator::broadcast(Tensor& t, int root) {
  check_tensor("broadcast", t, false);
  GRAIN_CHECK(root >= 0 && root < world_size(),
              "broadcast: root " << root << " outside the world of " << world_size() << " ranks");
  check_same_on_all_ranks("broadcast", t);
  backend_for(t).broadcast_impl(t, root);
}

Tensor Communicator::all_gather(const Tensor& t) {
  check_tensor("all_gather", t, false);
  check_same_on_all_ranks("all_gather", t);
  Shape shape = t.shape();
  shape.insert(shape.begin(), world_size());
  Tensor out = Tensor::empty(shape, t.dtype(), t.device());
  backend_for(t).all_gather_impl(t, out);
  return out;
}

std::vector<std::string> all_gather_strings(Communicator& comm, const std::string& text) {
  const int w = comm.world_size();
  if (w == 1) return {text};
  const Tensor lengths = comm.all_gather(Tensor::from_indices({static_cast<int64_t>(text.size())}, {1}));
  const int64_t* length = lengths.data<int64_t>();
  int64_t longest = 0;
  for (int r = 0; r < w; ++r) longest = std::max(longest, length[r]);
  const int64_t words = std::max<int64_t>(1, (longest + 7) / 8);  // int64 words: a dtype every back end carries
  Tensor mine = Tensor::zeros({words}, DType::kInt64);
  std::memcpy(mine.raw_data(), text.data(), text.size());
  const Tensor all = comm.all_gather(mine);
  std::vector<std::string> out;
  for (int r = 0; r < w; ++r)
    out.emplace_back(static_cast<const char*>(all.raw_data()) + static_cast<size_t>(r * words * 8),
                     static_cast<size_t>(length[r]));
  return out;
}

std::string broadcast_string(Communicator& comm, const std::string& text, int root) {
  if (comm.world_size() == 1) return text;
  Tensor length = Tensor::from_indices({static_cast<int64_t>(comm.rank() == root ? text.size() : 0)}, {1});
  comm.broadcast(length, root);
  const int64_t size = length.data<int64_t>()[0];
  Tensor words = Tensor::zeros({std::max<int64_t>(1, (size + 7) / 8)}, DType::kInt64);  // as all_gather_strings
  if (comm.rank() == root) std::memcpy(words.raw_data(), text.data(), text.size());
  comm.broadcast(words, root);
  return std::string(static_cast<const char*>(words.raw_data()), static_cast<size_t>(size));
}

namespace {

// A world of one process: reductions and broadcasts leave the tensor as it
// is (the average over one rank is the tensor), the gather copies.
class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  const char* backend_name() const override { return "local"; }
  void barrier() override {}
  [[noreturn]] void abort(const std::string& message) override {
    std::fprintf(stderr, "grain: rank 0 of 1 aborts: %s\n", message.c_str());
    std::fflush(stderr);
    // The job's end, as MPI_Abort would end it: no destructors, status 1.
    std::_Exit(1);
  }

 protected:
  void all_reduce_impl(Tensor&, ReduceOp) override {}
  void broadcast_impl(Tensor&, int) override {}
  void all_gather_impl(const Tensor& t, Tensor& out) override {
    device_runtime::copy(out.raw_data(), out.device(), t.raw_data(), t.device(), t.nbytes());
  }
};

}  // namespace

std::unique_ptr<Communicator> make_local_communicator() { return std::make_unique<LocalCommunicator>(); }

#ifndef GRAIN_WITH_MPI
std::unique_ptr<Communicator> make_mpi_communicator() {
  GRAIN_THROW("distributed: this build has no MPI; configure with -DGRAIN_MPI=ON (libopenmpi-dev, "
              "tools/install_deps.sh) to run a world of several processes");
}
#endif

#ifndef GRAIN_WITH_NCCL
std::unique_ptr<Communicator> make_nccl_communicator(std::unique_ptr<Communicator>, int device) {
  GRAIN_THROW("distributed: this build has no NCCL (CUDA builds find it through NCCL_ROOT); the collectives "
              "of CUDA tensors on cuda:" << device << " need it");
}

std::unique_ptr<Communicator> make_nccl_communicator_rendezvous(const LaunchEnv& env) {
  GRAIN_THROW("distributed: this build has no NCCL (CUDA builds find it through NCCL_ROOT); a torchrun-style "
              "world of " << env.world_size << " processes on cuda:" << env.cuda_device << " needs it");
}
#endif

std::unique_ptr<Communicator> make_communicator(const LaunchEnv& env, Device device) {
  if (env.world_size == 1) return make_local_communicator();
  if (env.launcher == Launcher::kTorchrun) {
    // No MPI under such a launcher: NCCL alone, its id through our rendezvous.
    // The CPU has no collective library but MPI, so a CPU world needs MPI's launchers.
    GRAIN_CHECK(!device.is_cpu(),
                "distributed: a torchrun-style launch of several processes (RANK, WORLD_SIZE=" << env.world_size
                    << ") runs on CUDA devices only (NCCL); on the CPU the collectives are MPI's, so start the "
                       "job with mpirun or srun --mpi=pmix (docs/distributed.md)");
    return make_nccl_communicator_rendezvous(env);
  }
  std::unique_ptr<Communicator> mpi = make_mpi_communicator();
  const char* rank_var = env.launcher == Launcher::kSlurm ? "SLURM_PROCID" : "OMPI_COMM_WORLD_RANK";
  const char* size_var = env.launcher == Launcher::kSlurm ? "SLURM_NTASKS" : "OMPI_COMM_WORLD_SIZE";
  if (mpi->world_size() != env.world_size || mpi->rank() != env.rank) {
    // MPI is up, so end the job through it (the processes that did start
    // may be waiting for the others): e.g. srun without PMIx starts W
    // separate worlds of one.
    std::ostringstream message;
    message << "distributed: MPI sees rank " << mpi->rank() << " of " << mpi->world_size() << " but " << rank_var
            << "=" << env.rank << ", " << size_var << "=" << env.world_size
            << " (under Slurm start the job with srun --mpi=pmix, docs/distributed.md)";
    mpi->abort(message.str());
  }
  if (device.is_cpu()) return mpi;
  return make_nccl_communicator(std::move(mpi), env.cuda_device);
}

}  // namespace grain::distributed
