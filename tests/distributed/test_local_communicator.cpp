// The communicator of a world of one process (no library) and the factory's
// choices and refusals. The collectives of several processes are checked
// under mpirun by mpi_collectives_check.cpp.
#include <catch2/catch.hpp>

#include <string>

#include "engine/distributed/communicator.h"
#include "engine/error.h"

using namespace grain;
using namespace grain::distributed;

TEST_CASE("a world of one: reductions and broadcasts keep the tensor, the gather adds an axis", "[distributed]") {
  const std::unique_ptr<Communicator> comm = make_communicator(parse_launch_env({}), Device::cpu());
  CHECK(std::string(comm->backend_name()) == "local");
  CHECK(comm->rank() == 0);
  CHECK(comm->world_size() == 1);
  for (DType dtype : {DType::kFloat32, DType::kFloat64}) {
    const std::vector<double> values = {0.5, -1.25, 3.0, 7.75, -2.0, 0.125};
    Tensor t = Tensor::from_vector(values, {2, 3}, dtype);
    comm->all_reduce_sum(t);
    CHECK(t.to_vector() == values);
    comm->all_reduce_average(t);
    CHECK(t.to_vector() == values);
    comm->broadcast(t, 0);
    CHECK(t.to_vector() == values);
    const Tensor g = comm->all_gather(t);
    CHECK(g.shape() == Shape{1, 2, 3});
    CHECK(g.dtype() == dtype);
    CHECK(g.to_vector() == values);
  }
  comm->barrier();
}

TEST_CASE("the checked entry points refuse bad tensors and roots, naming the op", "[distributed]") {
  const std::unique_ptr<Communicator> comm = make_local_communicator();
  Tensor undefined;
  CHECK_THROWS_WITH(comm->all_reduce_sum(undefined), Catch::Contains("all_reduce_sum: undefined tensor"));
  Tensor ints = Tensor::from_indices({1, 2, 3}, {3});
  comm->all_reduce_sum(ints);  // integers sum
  CHECK(ints.to_vector() == std::vector<double>{1, 2, 3});
  CHECK_THROWS_WITH(comm->all_reduce_average(ints), Catch::Contains("all_reduce_average: dtype int64"));
  Tensor f = Tensor::zeros({4});
  CHECK_THROWS_WITH(comm->broadcast(f, 1), Catch::Contains("broadcast: root 1 outside the world of 1"));
}

TEST_CASE("the factory refuses worlds it cannot start, naming the cause", "[distributed]") {
  const LaunchEnv torchrun = parse_launch_env(
      {{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "29500"}});
  // The CPU collectives are MPI's: a torchrun-style CPU world is sent to MPI's launchers.
  CHECK_THROWS_WITH(make_communicator(torchrun, Device::cpu()),
                    Catch::Contains("torchrun-style launch of several processes") &&
                        Catch::Contains("start the job with mpirun or srun --mpi=pmix"));
#ifndef GRAIN_WITH_MPI
  const LaunchEnv mpi = parse_launch_env(
      {{"OMPI_COMM_WORLD_RANK", "0"}, {"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_RANK", "0"}});
  CHECK_THROWS_WITH(make_communicator(mpi, Device::cpu()), Catch::Contains("-DGRAIN_MPI=ON"));
#endif
#ifndef GRAIN_WITH_NCCL
  CHECK_THROWS_WITH(make_nccl_communicator(make_local_communicator(), 0), Catch::Contains("no NCCL"));
  CHECK_THROWS_WITH(make_communicator(torchrun, Device::cuda(0)), Catch::Contains("no NCCL"));
#endif
}
