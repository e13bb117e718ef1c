// defines: parse_launch_env, process_environment, launcher_name (see launch_env.h)
#include "engine/distributed/launch_env.h"

#include <charconv>
#include <cstdlib>
#include <optional>

#include "engine/error.h"

namespace grain::distributed {
namespace {

// The value of `name` as an integer in [low, high]; nullopt when absent.
std::optional<int> read_int(const Environment& env, const std::string& name, long long low, long long high) {
  const auto it = env.find(name);
  if (it == env.end()) return std::nullopt;
  const std::string& text = it->second;
  long long value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, value);
  GRAIN_CHECK(!text.empty() && ec == std::errc() && end == last,
              "launch environment: " << name << "='" << text << "' is not a decimal integer");
  GRAIN_CHECK(value >= low && value <= high,
              "launch environment: " << name << "=" << value << " is out of range [" << low << ", " << high << "]");
  return static_cast<int>(value);
}

// GRAIN_RENDEZVOUS_TOKEN, checked without ever printing it (it is a secret).
std::string read_token(const Environment& env) {
  const auto it = env.find("GRAIN_RENDEZVOUS_TOKEN");
  if (it == env.end()) return "";
  const std::string& token = it->second;
  constexpr size_t kMin = 32, kMax = 1024;
  const char* generate = " (generate one with `openssl rand -hex 32`; docs/distributed.md)";
  GRAIN_CHECK(!token.empty(), "launch environment: GRAIN_RENDEZVOUS_TOKEN is set but empty" << generate);
  GRAIN_CHECK(token.size() >= kMin && token.size() <= kMax,
              "launch environment: GRAIN_RENDEZVOUS_TOKEN has " << token.size() << " characters; it needs "
                                                                << kMin << " to " << kMax << generate);
  for (size_t i = 0; i < token.size(); ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    GRAIN_CHECK(c > 0x20 && c < 0x7f, "launch environment: GRAIN_RENDEZVOUS_TOKEN has a character that is not "
                                      "printable ASCII (or a space) at position " << i << generate);
  }
  return token;
}

bool has(const Environment& env, const std::string& name) { return env.count(name) != 0; }

struct Names {
  const char* rank;
  const char* world_size;
  const char* local_rank;
};

constexpr int kMaxWorld = 1 << 20;

// Reads one launcher's set of variables into `out`; false when none is present.
bool read_set(const Environment& env, Launcher launcher, const Names& names, LaunchEnv& out) {
  if (!has(env, names.rank) && !has(env, names.world_size) && !has(env, names.local_rank)) return false;
  const std::optional<int> world = read_int(env, names.world_size, 1, kMaxWorld);
  const std::optional<int> rank = read_int(env, names.rank, 0, kMaxWorld);
  GRAIN_CHECK(world.has_value(), "launch environment: " << names.rank << " or " << names.local_rank
                                                         << " is set but " << names.world_size << " is not ("
                                                         << launcher_name(launcher) << " sets all three)");
  GRAIN_CHECK(rank.has_value(), "launch environment: " << names.world_size << " is set but " << names.rank
                                                        << " is not (" << launcher_name(launcher) << ")");
  GRAIN_CHECK(*rank < *world, "launch environment: " << names.rank << "=" << *rank << " must be below "
                                                     << names.world_size << "=" << *world);
  const std::optional<int> local = read_int(env, names.local_rank, 0, kMaxWorld);
  GRAIN_CHECK(local.has_value() || *world == 1, "launch environment: " << names.local_rank << " is not set ("
                                                                       << names.world_size << "=" << *world
                                                                       << "); it selects the GPU of a process");
  const int local_rank = local.value_or(0);
  GRAIN_CHECK(local_rank <= *rank, "launch environment: " << names.local_rank << "=" << local_rank
                                                          << " exceeds " << names.rank << "=" << *rank
                                                          << " (a local rank counts the processes of one node)");
  out.launcher = launcher;
  out.rank = *rank;
  out.world_size = *world;
  out.local_rank = local_rank;
  return true;
}

}  // namespace

const char* launcher_name(Launcher launcher) {
  switch (launcher) {
    case Launcher::kNone: return "none";
    case Launcher::kOpenMpi: return "Open MPI";
    case Launcher::kTorchrun: return "torchrun";
    case Launcher::kSlurm: return "Slurm";
  }
  return "?";
}

LaunchEnv parse_launch_env(const Environment& env) {
  LaunchEnv ompi, torchrun, slurm;
  const bool has_ompi =
      read_set(env, Launcher::kOpenMpi,
               {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK"}, ompi);
  const bool has_torchrun = read_set(env, Launcher::kTorchrun, {"RANK", "WORLD_SIZE", "LOCAL_RANK"}, torchrun);
  const bool has_slurm = read_set(env, Launcher::kSlurm, {"SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID"}, slurm);

  if (has_ompi && has_torchrun) {
    GRAIN_CHECK(ompi.rank == torchrun.rank && ompi.world_size == torchrun.world_size,
                "launch environment: OMPI_COMM_WORLD_RANK=" << ompi.rank << ", OMPI_COMM_WORLD_SIZE="
                    << ompi.world_size << " disagree with RANK=" << torchrun.rank
                    << ", WORLD_SIZE=" << torchrun.world_size);
  }
  LaunchEnv out = has_ompi ? ompi : has_torchrun ? torchrun : has_slurm ? slurm : LaunchEnv{};

  if (out.launcher == Launcher::kTorchrun) {
    // The rendezvous address of torchrun-style launches: required for a world
    // of several processes, where rank 0 is reached there.
    const auto addr = env.find("MASTER_ADDR");
    const std::optional<int> port = read_int(env, "MASTER_PORT", 1, 65535);
    if (out.world_size > 1) {
      GRAIN_CHECK(addr != env.end() && !addr->second.empty(),
                  "launch environment: MASTER_ADDR is not set (WORLD_SIZE=" << out.world_size << ")");
      GRAIN_CHECK(port.has_value(), "launch environment: MASTER_PORT is not set (WORLD_SIZE=" << out.world_size
                                                                                            << ")");
    }
    if (addr != env.end()) out.master_addr = addr->second;
    out.master_port = port.value_or(0);
    out.rendezvous_port = read_int(env, "GRAIN_RENDEZVOUS_PORT", 1, 65535).value_or(out.master_port);
  }
  if (const std::optional<int> timeout = read_int(env, "GRAIN_RENDEZVOUS_TIMEOUT", 1, 7 * 24 * 3600))
    out.rendezvous_timeout_s = *timeout;
  out.rendezvous_token = read_token(env);
  out.rendezvous_listen_all = read_int(env, "GRAIN_RENDEZVOUS_LISTEN_ALL", 0, 1).value_or(0) == 1;

  out.cuda_device = read_int(env, "GRAIN_CUDA_DEVICE", 0, 1023).value_or(out.local_rank);
  return out;
}

Environment process_environment() {
  Environment env;
  for (const char* name :
       {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK", "RANK", "WORLD_SIZE",
        "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID",
        "GRAIN_CUDA_DEVICE", "GRAIN_RENDEZVOUS_PORT", "GRAIN_RENDEZVOUS_TIMEOUT",
        "GRAIN_RENDEZVOUS_TOKEN", "GRAIN_RENDEZVOUS_LISTEN_ALL"}) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  return env;
}

}  // namespace grain::distributed
