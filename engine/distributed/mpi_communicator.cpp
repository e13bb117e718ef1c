// defines: make_mpi_communicator (see communicator.h)
//
// MPI_COMM_WORLD for CPU tensors. MPI is initialised here (thread level
// FUNNELED: only the thread that made the communicator calls MPI; the
// loader's worker threads never do) and finalised by the destructor, once per
// process. Errors return (MPI_ERRORS_RETURN) and become grain::Error naming
// the call, so a failing rank can report and abort() the job. Counts above
// MPI's int range are cut into pieces (reductions and broadcasts are
// elementwise, so pieces are independent).
// The C interface only: Open MPI's deprecated C++ bindings would otherwise
// come along and need their own library.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <exception>
#include <string>

#include "engine/distributed/communicator.h"
#include "engine/error.h"

namespace grain::distributed {
namespace {

void check_mpi(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  GRAIN_THROW("distributed: " << call << " failed (MPI): " << std::string(text, static_cast<size_t>(length)));
}
#define GRAIN_MPI_CHECK(statement) check_mpi((statement), #statement)

MPI_Datatype mpi_type(DType d) {
  switch (d) {
    case DType::kFloat32: return MPI_FLOAT;
    case DType::kFloat64: return MPI_DOUBLE;
    case DType::kInt32: return MPI_INT32_T;
    case DType::kInt64: return MPI_INT64_T;
    default: GRAIN_THROW("distributed: no MPI type for dtype " << dtype_name(d));
  }
}

constexpr int64_t kMaxPiece = INT_MAX / 2;

bool g_alive = false;  // one MPI communicator per process (MPI initialises once)

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    GRAIN_CHECK(!g_alive, "distributed: an MPI communicator already exists in this process (one per process)");
    int finalized = 0;
    MPI_Finalized(&finalized);
    GRAIN_CHECK(!finalized, "distributed: MPI was finalised in this process; it cannot start again");
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      GRAIN_MPI_CHECK(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided));
      owns_mpi_ = true;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    GRAIN_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank_));
    GRAIN_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &world_size_));
    g_alive = true;
  }

  ~MpiCommunicator() override {
    // Finalising waits for the other ranks; while an exception unwinds they
    // may be waiting in a collective for this one, so end the job instead.
    if (std::uncaught_exceptions() > 0)
      abort("an exception propagated past the communicator (catch it and call abort(message) to print it)");
    g_alive = false;
    if (owns_mpi_) MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int world_size() const override { return world_size_; }
  const char* backend_name() const override { return "MPI"; }

  void barrier() override { GRAIN_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD)); }

  [[noreturn]] void abort(const std::string& message) override {
    std::fprintf(stderr, "grain: rank %d of %d aborts: %s\n", rank_, world_size_, message.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    std::_Exit(1);  // MPI_Abort does not return; this keeps [[noreturn]] honest
  }

 protected:
  void all_reduce_impl(Tensor& t, ReduceOp op) override {
    check_cpu("all_reduce", t);
    char* data = static_cast<char*>(t.raw_data());
    const size_t element = dtype_size(t.dtype());
    for (int64_t start = 0; start < t.numel(); start += kMaxPiece) {
      const int count = static_cast<int>(std::min(kMaxPiece, t.numel() - start));
      GRAIN_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, data + start * element, count, mpi_type(t.dtype()), MPI_SUM,
                                    MPI_COMM_WORLD));
    }
    if (op == ReduceOp::kAverage) {
      // Division (not multiplication by 1/W) so that the average of equal
      // values is that value exactly.
      if (t.dtype() == DType::kFloat32) {
        float* x = t.data<float>();
        for (int64_t i = 0; i < t.numel(); ++i) x[i] /= static_cast<float>(world_size_);
      } else {
        double* x = t.data<double>();
        for (int64_t i = 0; i < t.numel(); ++i) x[i] /= static_cast<double>(world_size_);
      }
    }
  }

  void broadcast_impl(Tensor& t, int root) override {
    check_cpu("broadcast", t);
    char* data = static_cast<char*>(t.raw_data());
    const size_t element = dtype_size(t.dtype());
    for (int64_t start = 0; start < t.numel(); start += kMaxPiece) {
      const int count = static_cast<int>(std::min(kMaxPiece, t.numel() - start));
      GRAIN_MPI_CHECK(MPI_Bcast(data + start * element, count, mpi_type(t.dtype()), root, MPI_COMM_WORLD));
    }
  }

  void all_gather_impl(const Tensor& t, Tensor& out) override {
    check_cpu("all_gather", t);
    GRAIN_CHECK(t.numel() * world_size_ <= INT_MAX,
                "all_gather: " << t.numel() << " elements x " << world_size_ << " ranks exceed MPI's int count");
    const int count = static_cast<int>(t.numel());
    GRAIN_MPI_CHECK(MPI_Allgather(t.raw_data(), count, mpi_type(t.dtype()), out.raw_data(), count,
                                  mpi_type(t.dtype()), MPI_COMM_WORLD));
  }

 private:
  static void check_cpu(const char* op, const Tensor& t) {
    GRAIN_CHECK(t.device().is_cpu(), op << ": the MPI communicator carries CPU tensors; " << t.device().str()
                                        << " tensors go through NCCL (make_communicator with a CUDA device)");
  }

  int rank_ = 0;
  int world_size_ = 1;
  bool owns_mpi_ = false;
};

}  // namespace

std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

}  // namespace grain::distributed
