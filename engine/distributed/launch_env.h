// defines: grain::distributed::Launcher, LaunchEnv, parse_launch_env, process_environment, launcher_name
//
// Which process of a data-parallel job this is, read from the variables its
// launcher sets. A pure function of an environment map (so it is tested with
// fixed maps, and the process environment is read in one place):
//
//   launcher     rank                  world size            local rank
//   Open MPI     OMPI_COMM_WORLD_RANK  OMPI_COMM_WORLD_SIZE  OMPI_COMM_WORLD_LOCAL_RANK
//   torchrun     RANK                  WORLD_SIZE            LOCAL_RANK  (+ MASTER_ADDR, MASTER_PORT)
//   Slurm srun   SLURM_PROCID          SLURM_NTASKS          SLURM_LOCALID
//   none         0                     1                     0
//
// Precedence: Open MPI, then torchrun-style, then Slurm. A job started by
// mpirun or torchrun inside a Slurm allocation still carries the
// allocation's SLURM_* variables, which describe the allocation and not this
// process, so they are ignored when a launcher's own variables are present.
// When both Open MPI's and torchrun's variables are present they must agree.
// A launcher's variables come as a set: rank and world size are both
// required (local rank defaults to 0 only for a world of one); every value
// must be a decimal integer with 0 <= rank < world size and
// 0 <= local rank < world size. Any violation is a grain::Error naming the
// variable and its value.
//
// The GPU of a process is its local rank unless GRAIN_CUDA_DEVICE sets it
// (e.g. 0 when the launcher binds one GPU per task through
// CUDA_VISIBLE_DEVICES, as `srun --gpus-per-task=1` does).
//
// A torchrun-style world of several CUDA processes exchanges the NCCL id
// through the rendezvous of engine/distributed/rendezvous.h at
// MASTER_ADDR:MASTER_PORT, or at GRAIN_RENDEZVOUS_PORT when it is set (for
// launchers whose own store already holds MASTER_PORT); its timeout is
// GRAIN_RENDEZVOUS_TIMEOUT seconds (default 300). Its peers prove
// GRAIN_RENDEZVOUS_TOKEN, a secret the launching side generates and hands to
// every process (at least 32 printable characters, e.g. `openssl rand -hex
// 32`; errors give its length, never its value); without one rank 0 accepts
// peers on loopback addresses only. Rank 0 listens on MASTER_ADDR's
// addresses, or on every interface with GRAIN_RENDEZVOUS_LISTEN_ALL=1.
#pragma once

#include <map>
#include <string>

namespace grain::distributed {

enum class Launcher { kNone, kOpenMpi, kTorchrun, kSlurm };

/// "none", "Open MPI", "torchrun", "Slurm".
const char* launcher_name(Launcher launcher);

struct LaunchEnv {
  Launcher launcher = Launcher::kNone;
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int cuda_device = 0;      // GRAIN_CUDA_DEVICE, else local_rank
  std::string master_addr;  // torchrun-style only (MASTER_ADDR); empty otherwise
  int master_port = 0;      // torchrun-style only (MASTER_PORT); 0 otherwise
  int rendezvous_port = 0;  // torchrun-style only: GRAIN_RENDEZVOUS_PORT, else master_port
  double rendezvous_timeout_s = 300;  // GRAIN_RENDEZVOUS_TIMEOUT (whole seconds), else 300
  std::string rendezvous_token;       // GRAIN_RENDEZVOUS_TOKEN; empty when unset
  bool rendezvous_listen_all = false;  // GRAIN_RENDEZVOUS_LISTEN_ALL=1
};

using Environment = std::map<std::string, std::string>;

/// The launch description in `env` (see the table above); throws
/// grain::Error naming the variable when a value is malformed or inconsistent.
LaunchEnv parse_launch_env(const Environment& env);

/// The variables of this process that parse_launch_env reads (and only those).
Environment process_environment();

}  // namespace grain::distributed
