// Run by run_mpi_check.sh under `mpirun -np W` (W >= 2). Modes:
//   collectives  all_reduce_sum / all_reduce_average / broadcast / all_gather
//                on CPU tensors in float32 and float64 (and int64 sums)
//                against values computed by hand from the rank formula, and
//                the refusal of mismatched sizes on every rank; all_gather_strings
//                of texts of different lengths (one empty); broadcast_string
//                from the first and the last rank (and of an empty text); and
//                synchronised batch norm: rank r normalises its 4 + r rows of a float64
//                x [M, 3] that every rank knows, with the statistics of all
//                of them, against one batch_norm of the whole x computed
//                on every rank (y, dx, the summed dgamma and dbeta, the
//                running statistics; 1e-12). Exits 0 and
//                prints "rank R of W: N checks passed" on success; a failed
//                check aborts the job naming it.
//   abort        rank 1 calls abort() while the others wait in a barrier that
//                can never complete: the job must end, non-zero.
//   exception    rank 1 lets an exception escape the communicator's scope
//                while the others wait in a barrier: the same.
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "engine/autograd.h"
#include "engine/distributed/batch_norm_sync.h"
#include "engine/distributed/communicator.h"
#include "engine/error.h"
#include "engine/ops/batch_norm.h"
#include "engine/ops/binary.h"
#include "engine/ops/reduce.h"

using namespace grain;
using namespace grain::distributed;

namespace {

struct Checker {
  Communicator& comm;
  int passed = 0;

  // |got - want| <= atol + rtol |want| for every element, else abort naming the check.
  void expect(const std::string& name, const Tensor& got, const std::vector<double>& want, double atol,
              double rtol) {
    const std::vector<double> values = got.to_vector();
    if (values.size() != want.size())
      comm.abort(name + ": " + std::to_string(values.size()) + " values, want " + std::to_string(want.size()));
    for (size_t i = 0; i < want.size(); ++i) {
      if (std::fabs(values[i] - want[i]) > atol + rtol * std::fabs(want[i])) {
        std::ostringstream message;
        message.precision(17);
        message << name << ": element " << i << " is " << values[i] << ", want " << want[i];
        comm.abort(message.str());
      }
    }
    ++passed;
  }
};

void check_collectives(Communicator& comm) {
  const int W = comm.world_size();
  const int r = comm.rank();
  Checker check{comm};
  constexpr int64_t n = 1000;

  for (DType dtype : {DType::kFloat32, DType::kFloat64}) {
    const std::string type = dtype == DType::kFloat32 ? "float32" : "float64";
    // Sums of these values are exact in float32 (integers and halves below
    // 2^24), so float32 is compared exactly; float64 carries 0.1 (inexact):
    // relative tolerance 1e-14 for a sum of W terms.
    const double step = dtype == DType::kFloat32 ? 1.0 : 0.1;
    std::vector<double> mine(n), sum(n);
    for (int64_t i = 0; i < n; ++i) {
      mine[i] = (r + 1) * (i + 1) * step + 0.5;
      sum[i] = (i + 1) * step * W * (W + 1) / 2.0 + 0.5 * W;  // sum over ranks q of (q+1)(i+1)step + 0.5
    }
    const double rtol = dtype == DType::kFloat32 ? 0.0 : 1e-14;
    Tensor t = Tensor::from_vector(mine, {n}, dtype);
    comm.all_reduce_sum(t);
    check.expect("all_reduce_sum " + type, t, sum, 0.0, rtol);

    // Average of r + i over ranks: i + (W-1)/2, exact in both types for W = 2 (and any W up to 2^20).
    std::vector<double> values(n), average(n);
    for (int64_t i = 0; i < n; ++i) {
      values[i] = r + static_cast<double>(i);
      average[i] = static_cast<double>(i) + (W - 1) / 2.0;
    }
    Tensor a = Tensor::from_vector(values, {n}, dtype);
    comm.all_reduce_average(a);
    check.expect("all_reduce_average " + type, a, average, 0.0, 0.0);

    // Broadcast from the last rank: 100 * root + i.
    const int root = W - 1;
    std::vector<double> from_root(n);
    for (int64_t i = 0; i < n; ++i) {
      values[i] = 100.0 * r + static_cast<double>(i);
      from_root[i] = 100.0 * root + static_cast<double>(i);
    }
    Tensor b = Tensor::from_vector(values, {n}, dtype);
    comm.broadcast(b, root);
    check.expect("broadcast " + type, b, from_root, 0.0, 0.0);

    // All-gather of a (2, 3) tensor 10 r + j: row q of the result is 10 q + j.
    std::vector<double> small(6), gathered;
    for (int j = 0; j < 6; ++j) small[j] = 10.0 * r + j + 0.25;
    for (int q = 0; q < W; ++q)
      for (int j = 0; j < 6; ++j) gathered.push_back(10.0 * q + j + 0.25);
    const Tensor g = comm.all_gather(Tensor::from_vector(small, {2, 3}, dtype));
    if (g.shape() != Shape{W, 2, 3} || g.dtype() != dtype) comm.abort("all_gather " + type + ": wrong shape or dtype");
    check.expect("all_gather " + type, g, gathered, 0.0, 0.0);
  }

  // int64 sums beyond float32's exact range: (r + 1) * 2^40 + i.
  std::vector<int64_t> big(8);
  std::vector<double> big_sum(8);
  for (int64_t i = 0; i < 8; ++i) {
    big[i] = (int64_t{r} + 1) * (int64_t{1} << 40) + i;
    big_sum[i] = static_cast<double>(int64_t{W} * (W + 1) / 2 * (int64_t{1} << 40) + W * i);
  }
  Tensor bi = Tensor::from_indices(big, {8});
  comm.all_reduce_sum(bi);
  check.expect("all_reduce_sum int64", bi, big_sum, 0.0, 0.0);

  // Ranks passing different sizes: an error on every rank, not a hang.
  Tensor uneven = Tensor::zeros({r == 0 ? 4 : 5});
  std::string error;
  try {
    comm.all_reduce_sum(uneven);
  } catch (const Error& e) {
    error = e.what();
  }
  if (error.find("every rank must pass the same") == std::string::npos)
    comm.abort("uneven all_reduce_sum was not refused (got: '" + error + "')");
  ++check.passed;

  // all_gather_strings: rank q's text is q * 3 copies of the letter 'a' + q (rank 0's is empty).
  {
    const std::vector<std::string> texts = all_gather_strings(comm, std::string(static_cast<size_t>(r * 3), 'a' + r));
    if (static_cast<int>(texts.size()) != W) comm.abort("all_gather_strings: " + std::to_string(texts.size()) + " texts");
    for (int q = 0; q < W; ++q)
      if (texts[static_cast<size_t>(q)] != std::string(static_cast<size_t>(q * 3), 'a' + q))
        comm.abort("all_gather_strings: rank " + std::to_string(q) + "'s text is '" + texts[static_cast<size_t>(q)] + "'");
    ++check.passed;
  }

  // broadcast_string: the root's text of 13 bytes (not a whole number of 8-byte words) reaches every rank,
  // whatever the others pass; an empty root text gives every rank an empty one.
  for (int root : {0, W - 1}) {
    const std::string root_text = "root " + std::to_string(root) + " text.";
    const std::string got = broadcast_string(comm, r == root ? root_text : std::string(static_cast<size_t>(r), 'x'), root);
    if (got != root_text)
      comm.abort("broadcast_string from rank " + std::to_string(root) + ": got '" + got + "', want '" + root_text + "'");
    ++check.passed;
  }
  if (const std::string got = broadcast_string(comm, r == 0 ? "" : "not rank 0's", 0); !got.empty())
    comm.abort("broadcast_string of rank 0's empty text: got '" + got + "'");
  ++check.passed;

  // Synchronised batch norm against one process's batch norm of the whole batch.
  {
    constexpr int64_t c = 3;
    int64_t rows = 0, first = 0;
    for (int q = 0; q < W; ++q) {
      if (q == r) first = rows;
      rows += 4 + q;
    }
    const int64_t mine_rows = 4 + r;
    const std::vector<double> x_all = Tensor::uniform({rows, c}, -2, 3, 11, DType::kFloat64).to_vector();
    const std::vector<double> w_all = Tensor::uniform({rows, c}, -1, 1, 12, DType::kFloat64).to_vector();
    auto rows_of = [&](const std::vector<double>& v) {
      return std::vector<double>(v.begin() + first * c, v.begin() + (first + mine_rows) * c);
    };
    struct Result {
      std::vector<double> y, dx, dgamma, dbeta, running_mean, running_var;
    };
    auto run = [&](const std::vector<double>& x_values, const std::vector<double>& w_values, int64_t m,
                   CrossProcessSum* sync) {
      Tensor x = Tensor::from_vector(x_values, {m, c}, DType::kFloat64);
      Tensor gamma = Tensor::from_vector({1.5, -0.5, 2.0}, {c}, DType::kFloat64);
      Tensor beta = Tensor::from_vector({0.1, 0.2, -0.3}, {c}, DType::kFloat64);
      x.set_requires_grad(true), gamma.set_requires_grad(true), beta.set_requires_grad(true);
      Tensor running_mean = Tensor::from_vector({0.5, -1, 0}, {c}, DType::kFloat64);
      Tensor running_var = Tensor::from_vector({1, 2, 0.5}, {c}, DType::kFloat64);
      const Tensor y = batch_norm(x, gamma, beta, running_mean, running_var, {true, 0.1, 1e-5, sync});
      sum(mul(y, Tensor::from_vector(w_values, {m, c}, DType::kFloat64))).backward();
      return Result{y.to_vector(), x.grad().to_vector(), gamma.grad().to_vector(), beta.grad().to_vector(),
                    running_mean.to_vector(), running_var.to_vector()};
    };
    const Result whole = run(x_all, w_all, rows, nullptr);
    BatchNormSync sync(comm);
    const Result part = run(rows_of(x_all), rows_of(w_all), mine_rows, &sync);
    check.expect("sync batch norm: y", Tensor::from_vector(part.y, {mine_rows * c}, DType::kFloat64),
                 rows_of(whole.y), 1e-12, 1e-12);
    check.expect("sync batch norm: dx", Tensor::from_vector(part.dx, {mine_rows * c}, DType::kFloat64),
                 rows_of(whole.dx), 1e-12, 1e-12);
    Tensor dgamma = Tensor::from_vector(part.dgamma, {c}, DType::kFloat64);
    Tensor dbeta = Tensor::from_vector(part.dbeta, {c}, DType::kFloat64);
    comm.all_reduce_sum(dgamma);  // what the trainer's gradient all-reduce does (times 1 / W)
    comm.all_reduce_sum(dbeta);
    check.expect("sync batch norm: summed dgamma", dgamma, whole.dgamma, 1e-12, 1e-12);
    check.expect("sync batch norm: summed dbeta", dbeta, whole.dbeta, 1e-12, 1e-12);
    check.expect("sync batch norm: running mean", Tensor::from_vector(part.running_mean, {c}, DType::kFloat64),
                 whole.running_mean, 1e-12, 1e-12);
    check.expect("sync batch norm: running var", Tensor::from_vector(part.running_var, {c}, DType::kFloat64),
                 whole.running_var, 1e-12, 1e-12);
    // And without the hook each rank has its own statistics (the check above can fail).
    const Result own = run(rows_of(x_all), rows_of(w_all), mine_rows, nullptr);
    if (std::fabs(own.running_mean[0] - whole.running_mean[0]) < 1e-6)
      comm.abort("sync batch norm: a rank's own statistics equal the whole batch's; the check cannot tell");
    ++check.passed;
  }

  comm.barrier();
  std::printf("mpi_collectives: rank %d of %d: %d checks passed\n", r, W, check.passed);
}

}  // namespace

int main(int argc, char* argv[]) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "collectives" && mode != "abort" && mode != "exception") {
    std::fprintf(stderr, "usage: mpi_collectives_check collectives|abort|exception (under mpirun)\n");
    return 2;
  }
  try {
    const LaunchEnv env = parse_launch_env(process_environment());
    std::unique_ptr<Communicator> comm = make_communicator(env, Device::cpu());
    if (comm->world_size() < 2) {
      std::fprintf(stderr, "mpi_collectives_check: needs a world of 2 or more (mpirun -np 2)\n");
      return 2;
    }
    try {
      if (mode == "collectives") check_collectives(*comm);
      if (mode == "abort") {
        if (comm->rank() == 1) comm->abort("deliberate abort of the abort test");
        comm->barrier();  // never completes: rank 1 is gone
      }
      if (mode == "exception") {
        if (comm->rank() == 1) GRAIN_THROW("deliberate exception of the exception test");
        comm->barrier();
      }
    } catch (const Error& e) {
      if (mode == "exception") throw;  // past the communicator: its destructor ends the job
      comm->abort(e.what());
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "mpi_collectives_check: %s\n", e.what());
    return 1;
  }
  return mode == "collectives" ? 0 : 3;  // the failure modes must never get here
}
