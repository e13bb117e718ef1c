// The NCCL communicator in a world of one process on GPU 0 (part of
// cuda_tests): the id exchange, ncclCommInitRank and each collective queued
// on the device's stream, against the values a world of one must give (the
// tensor itself; the gather adds an axis of 1). CPU tensors go to the host
// communicator, tensors of another device are refused. The same without a
// host communicator (a torchrun-style world; the rendezvous returns at once
// for a world of one): CPU tensors are copied through the device. Several
// ranks need several GPUs and mpirun or torchrun (docs/distributed.md).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/distributed/communicator.h"
#include "engine/error.h"

using namespace grain;
using namespace grain::distributed;

TEST_CASE("the NCCL communicator over a world of one runs each collective on the device", "[distributed][cuda]") {
  std::unique_ptr<Communicator> comm = make_nccl_communicator(make_local_communicator(), 0);
  CHECK(std::string(comm->backend_name()) == "NCCL");
  CHECK(comm->world_size() == 1);
  const std::vector<double> values = {0.5, -1.25, 3.0, 7.75, -2.0, 0.125};
  for (DType dtype : {DType::kFloat32, DType::kFloat64}) {
    Tensor t = Tensor::from_vector(values, {2, 3}, dtype).to(Device::cuda(0));
    comm->all_reduce_sum(t);
    CHECK(t.to(Device::cpu()).to_vector() == values);
    comm->all_reduce_average(t);
    CHECK(t.to(Device::cpu()).to_vector() == values);
    comm->broadcast(t, 0);
    CHECK(t.to(Device::cpu()).to_vector() == values);
    const Tensor g = comm->all_gather(t);
    CHECK(g.device() == Device::cuda(0));
    CHECK(g.shape() == Shape{1, 2, 3});
    CHECK(g.to(Device::cpu()).to_vector() == values);
  }
  Tensor host = Tensor::from_vector(values, {6});  // CPU: the host communicator's
  comm->all_reduce_sum(host);
  CHECK(host.to_vector() == values);
  comm->barrier();
}

TEST_CASE("the NCCL communicator without MPI carries CPU tensors through the device", "[distributed][cuda]") {
  LaunchEnv env;
  env.launcher = Launcher::kTorchrun;
  env.master_addr = "localhost";
  std::unique_ptr<Communicator> comm = make_nccl_communicator_rendezvous(env);
  CHECK(std::string(comm->backend_name()) == "NCCL");
  CHECK(comm->world_size() == 1);
  const std::vector<double> values = {0.5, -1.25, 3.0, 7.75, -2.0, 0.125};
  for (DType dtype : {DType::kFloat32, DType::kFloat64}) {
    Tensor host = Tensor::from_vector(values, {2, 3}, dtype);  // CPU, with no MPI to carry it
    comm->all_reduce_sum(host);
    CHECK(host.device().is_cpu());
    CHECK(host.to_vector() == values);
    comm->all_reduce_average(host);
    CHECK(host.to_vector() == values);
    comm->broadcast(host, 0);
    CHECK(host.to_vector() == values);
    const Tensor g = comm->all_gather(host);
    CHECK(g.device().is_cpu());
    CHECK(g.shape() == Shape{1, 2, 3});
    CHECK(g.to_vector() == values);
  }
  const std::vector<std::string> texts = all_gather_strings(*comm, "rank zero");
  CHECK(texts == std::vector<std::string>{"rank zero"});
  Tensor device = Tensor::from_vector(values, {6}).to(Device::cuda(0));
  comm->all_reduce_sum(device);
  CHECK(device.to(Device::cpu()).to_vector() == values);
  comm->barrier();
}
