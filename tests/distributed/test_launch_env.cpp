// Launcher parsing from fixed environments: Open MPI, torchrun-style, Slurm,
// none, their precedence, and malformed or inconsistent values (errors that
// name the variable). Expected values are read off the environments by hand.
#include <catch2/catch.hpp>

#include <string>

#include "engine/distributed/launch_env.h"
#include "engine/error.h"

using namespace grain;
using namespace grain::distributed;

namespace {

// The message of the grain::Error that parsing `env` throws ("" when none).
std::string parse_error(const Environment& env) {
  try {
    parse_launch_env(env);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("no launcher variables: a world of one", "[distributed]") {
  const LaunchEnv e = parse_launch_env({});
  CHECK(e.launcher == Launcher::kNone);
  CHECK(e.rank == 0);
  CHECK(e.world_size == 1);
  CHECK(e.local_rank == 0);
  CHECK(e.cuda_device == 0);
  CHECK(e.master_addr.empty());
  CHECK(e.master_port == 0);
}

TEST_CASE("Open MPI's variables (mpirun)", "[distributed]") {
  const LaunchEnv e = parse_launch_env(
      {{"OMPI_COMM_WORLD_RANK", "5"}, {"OMPI_COMM_WORLD_SIZE", "8"}, {"OMPI_COMM_WORLD_LOCAL_RANK", "1"}});
  CHECK(e.launcher == Launcher::kOpenMpi);
  CHECK(e.rank == 5);
  CHECK(e.world_size == 8);
  CHECK(e.local_rank == 1);
  CHECK(e.cuda_device == 1);  // the GPU is the local rank
  CHECK(std::string(launcher_name(e.launcher)) == "Open MPI");
}

TEST_CASE("torchrun-style variables with the rendezvous address", "[distributed]") {
  const LaunchEnv e = parse_launch_env({{"RANK", "3"},
                                        {"WORLD_SIZE", "4"},
                                        {"LOCAL_RANK", "3"},
                                        {"MASTER_ADDR", "node17"},
                                        {"MASTER_PORT", "29500"}});
  CHECK(e.launcher == Launcher::kTorchrun);
  CHECK(e.rank == 3);
  CHECK(e.world_size == 4);
  CHECK(e.local_rank == 3);
  CHECK(e.cuda_device == 3);
  CHECK(e.master_addr == "node17");
  CHECK(e.master_port == 29500);
  CHECK(e.rendezvous_port == 29500);  // the rendezvous listens at MASTER_PORT unless told otherwise
  CHECK(e.rendezvous_timeout_s == 300);
}

TEST_CASE("GRAIN_RENDEZVOUS_PORT and GRAIN_RENDEZVOUS_TIMEOUT set the rendezvous", "[distributed]") {
  // A torchrun-style rank 1 of 2 plus `extra`.
  const auto torchrun_with = [](const Environment& extra) {
    Environment env = extra;
    env.insert({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node17"},
                {"MASTER_PORT", "29500"}});
    return env;
  };
  const LaunchEnv e =
      parse_launch_env(torchrun_with({{"GRAIN_RENDEZVOUS_PORT", "29501"}, {"GRAIN_RENDEZVOUS_TIMEOUT", "20"}}));
  CHECK(e.master_port == 29500);
  CHECK(e.rendezvous_port == 29501);
  CHECK(e.rendezvous_timeout_s == 20);
  CHECK_THAT(parse_error(torchrun_with({{"GRAIN_RENDEZVOUS_TIMEOUT", "0"}})),
             Catch::Contains("GRAIN_RENDEZVOUS_TIMEOUT=0 is out of range"));
  CHECK_THAT(parse_error(torchrun_with({{"GRAIN_RENDEZVOUS_TIMEOUT", "5m"}})),
             Catch::Contains("GRAIN_RENDEZVOUS_TIMEOUT='5m' is not a decimal integer"));
  CHECK_THAT(parse_error(torchrun_with({{"GRAIN_RENDEZVOUS_PORT", "65536"}})),
             Catch::Contains("GRAIN_RENDEZVOUS_PORT=65536 is out of range"));
}

TEST_CASE("GRAIN_RENDEZVOUS_TOKEN and GRAIN_RENDEZVOUS_LISTEN_ALL, and a bad token never printed",
          "[distributed]") {
  const auto torchrun_with = [](const Environment& extra) {
    Environment env = extra;
    env.insert({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node17"},
                {"MASTER_PORT", "29500"}});
    return env;
  };
  const LaunchEnv none = parse_launch_env(torchrun_with({}));
  CHECK(none.rendezvous_token.empty());
  CHECK_FALSE(none.rendezvous_listen_all);
  const std::string token = "3f1c9a0be47d2286f5a1c0d93e7b6a4f";  // 32 characters, `openssl rand -hex 16`
  const LaunchEnv e = parse_launch_env(
      torchrun_with({{"GRAIN_RENDEZVOUS_TOKEN", token}, {"GRAIN_RENDEZVOUS_LISTEN_ALL", "1"}}));
  CHECK(e.rendezvous_token == token);
  CHECK(e.rendezvous_listen_all);
  CHECK_FALSE(parse_launch_env(torchrun_with({{"GRAIN_RENDEZVOUS_LISTEN_ALL", "0"}})).rendezvous_listen_all);
  CHECK_THAT(parse_error(torchrun_with({{"GRAIN_RENDEZVOUS_LISTEN_ALL", "yes"}})),
             Catch::Contains("GRAIN_RENDEZVOUS_LISTEN_ALL='yes' is not a decimal integer"));
  // An empty token (an unset shell variable in the launch line) is not "no token".
  CHECK_THAT(parse_error(torchrun_with({{"GRAIN_RENDEZVOUS_TOKEN", ""}})),
             Catch::Contains("GRAIN_RENDEZVOUS_TOKEN is set but empty") && Catch::Contains("openssl rand -hex 32"));
  // Errors give the length or the position, never the secret.
  const std::string short_token = "secret-but-short";
  const std::string too_short = parse_error(torchrun_with({{"GRAIN_RENDEZVOUS_TOKEN", short_token}}));
  CHECK_THAT(too_short, Catch::Contains("GRAIN_RENDEZVOUS_TOKEN has 16 characters; it needs 32 to 1024"));
  CHECK_THAT(too_short, !Catch::Contains(short_token));
  const std::string spaced = "correct horse battery staple 12345";
  const std::string with_space = parse_error(torchrun_with({{"GRAIN_RENDEZVOUS_TOKEN", spaced}}));
  CHECK_THAT(with_space, Catch::Contains("not printable ASCII (or a space) at position 7"));
  CHECK_THAT(with_space, !Catch::Contains("horse"));
  CHECK_THAT(parse_error(torchrun_with({{"GRAIN_RENDEZVOUS_TOKEN", std::string(1025, 'x')}})),
             Catch::Contains("has 1025 characters"));
}

TEST_CASE("Slurm's variables (srun)", "[distributed]") {
  const LaunchEnv e = parse_launch_env({{"SLURM_PROCID", "6"}, {"SLURM_NTASKS", "16"}, {"SLURM_LOCALID", "2"}});
  CHECK(e.launcher == Launcher::kSlurm);
  CHECK(e.rank == 6);
  CHECK(e.world_size == 16);
  CHECK(e.local_rank == 2);
  CHECK(e.cuda_device == 2);
}

TEST_CASE("GRAIN_CUDA_DEVICE overrides the local rank as the GPU", "[distributed]") {
  const LaunchEnv e = parse_launch_env(
      {{"SLURM_PROCID", "6"}, {"SLURM_NTASKS", "16"}, {"SLURM_LOCALID", "2"}, {"GRAIN_CUDA_DEVICE", "0"}});
  CHECK(e.local_rank == 2);
  CHECK(e.cuda_device == 0);
  CHECK_THAT(parse_error({{"GRAIN_CUDA_DEVICE", "gpu1"}}), Catch::Contains("GRAIN_CUDA_DEVICE='gpu1'"));
}

TEST_CASE("a launcher inside a Slurm allocation wins over the allocation's variables", "[distributed]") {
  // mpirun in an sbatch script: the batch step's SLURM_PROCID=0, SLURM_NTASKS=4.
  const LaunchEnv m = parse_launch_env({{"SLURM_PROCID", "0"},
                                        {"SLURM_NTASKS", "4"},
                                        {"SLURM_LOCALID", "0"},
                                        {"OMPI_COMM_WORLD_RANK", "3"},
                                        {"OMPI_COMM_WORLD_SIZE", "8"},
                                        {"OMPI_COMM_WORLD_LOCAL_RANK", "3"}});
  CHECK(m.launcher == Launcher::kOpenMpi);
  CHECK(m.rank == 3);
  CHECK(m.world_size == 8);
  // torchrun started by srun once per node: SLURM_PROCID is the node's index.
  const LaunchEnv t = parse_launch_env({{"SLURM_PROCID", "1"},
                                        {"SLURM_NTASKS", "2"},
                                        {"SLURM_LOCALID", "0"},
                                        {"RANK", "9"},
                                        {"WORLD_SIZE", "16"},
                                        {"LOCAL_RANK", "1"},
                                        {"MASTER_ADDR", "10.0.0.1"},
                                        {"MASTER_PORT", "29500"}});
  CHECK(t.launcher == Launcher::kTorchrun);
  CHECK(t.rank == 9);
  CHECK(t.world_size == 16);
  CHECK(t.local_rank == 1);
}

TEST_CASE("Open MPI and torchrun variables must agree when both are set", "[distributed]") {
  const Environment agree = {{"OMPI_COMM_WORLD_RANK", "1"}, {"OMPI_COMM_WORLD_SIZE", "2"},
                             {"OMPI_COMM_WORLD_LOCAL_RANK", "1"}, {"RANK", "1"},
                             {"WORLD_SIZE", "2"},           {"LOCAL_RANK", "1"},
                             {"MASTER_ADDR", "a"},          {"MASTER_PORT", "1234"}};
  CHECK(parse_launch_env(agree).launcher == Launcher::kOpenMpi);
  const Environment disagree = {{"OMPI_COMM_WORLD_RANK", "1"}, {"OMPI_COMM_WORLD_SIZE", "2"},
                                {"OMPI_COMM_WORLD_LOCAL_RANK", "1"}, {"RANK", "0"},
                                {"WORLD_SIZE", "2"},           {"LOCAL_RANK", "0"},
                                {"MASTER_ADDR", "a"},          {"MASTER_PORT", "1234"}};
  CHECK_THAT(parse_error(disagree), Catch::Contains("OMPI_COMM_WORLD_RANK=1") && Catch::Contains("RANK=0"));
}

TEST_CASE("malformed values are errors naming the variable", "[distributed]") {
  CHECK_THAT(parse_error({{"RANK", "one"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}}),
             Catch::Contains("RANK='one' is not a decimal integer"));
  CHECK_THAT(parse_error({{"OMPI_COMM_WORLD_RANK", "0"}, {"OMPI_COMM_WORLD_SIZE", "2x"},
                          {"OMPI_COMM_WORLD_LOCAL_RANK", "0"}}),
             Catch::Contains("OMPI_COMM_WORLD_SIZE='2x'"));
  CHECK_THAT(parse_error({{"SLURM_PROCID", ""}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"}}),
             Catch::Contains("SLURM_PROCID=''"));
  CHECK_THAT(parse_error({{"SLURM_PROCID", "-1"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"}}),
             Catch::Contains("SLURM_PROCID=-1 is out of range"));
  CHECK_THAT(parse_error({{"RANK", "0"}, {"WORLD_SIZE", "0"}, {"LOCAL_RANK", "0"}}),
             Catch::Contains("WORLD_SIZE=0 is out of range"));
  CHECK_THAT(parse_error({{"RANK", "0"}, {"WORLD_SIZE", "99999999999999999999"}, {"LOCAL_RANK", "0"}}),
             Catch::Contains("WORLD_SIZE='99999999999999999999'"));
}

TEST_CASE("inconsistent values are errors naming the variables", "[distributed]") {
  CHECK_THAT(parse_error({{"OMPI_COMM_WORLD_RANK", "2"}, {"OMPI_COMM_WORLD_SIZE", "2"},
                          {"OMPI_COMM_WORLD_LOCAL_RANK", "0"}}),
             Catch::Contains("OMPI_COMM_WORLD_RANK=2 must be below OMPI_COMM_WORLD_SIZE=2"));
  CHECK_THAT(parse_error({{"RANK", "1"}, {"LOCAL_RANK", "1"}}), Catch::Contains("WORLD_SIZE is not"));
  CHECK_THAT(parse_error({{"SLURM_NTASKS", "4"}}), Catch::Contains("SLURM_PROCID is not"));
  CHECK_THAT(parse_error({{"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "4"}}), Catch::Contains("SLURM_LOCALID is not set"));
  CHECK_THAT(parse_error({{"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "4"}, {"SLURM_LOCALID", "3"}}),
             Catch::Contains("SLURM_LOCALID=3 exceeds SLURM_PROCID=1"));
  // A torchrun-style world of several processes needs its rendezvous address.
  CHECK_THAT(parse_error({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}, {"MASTER_PORT", "29500"}}),
             Catch::Contains("MASTER_ADDR is not set"));
  CHECK_THAT(parse_error({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}, {"MASTER_ADDR", "h"}}),
             Catch::Contains("MASTER_PORT is not set"));
  CHECK_THAT(parse_error({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}, {"MASTER_ADDR", "h"},
                          {"MASTER_PORT", "70000"}}),
             Catch::Contains("MASTER_PORT=70000 is out of range"));
  // A world of one needs neither a local rank nor an address.
  const LaunchEnv one = parse_launch_env({{"RANK", "0"}, {"WORLD_SIZE", "1"}});
  CHECK(one.launcher == Launcher::kTorchrun);
  CHECK(one.world_size == 1);
}
