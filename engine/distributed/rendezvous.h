// defines: grain::distributed::RendezvousServer, rendezvous_join, rendezvous_exchange,
//          kRendezvousMagic, kRendezvousVersion
//
// The start-up of a torchrun-style job of several processes, where no MPI is
// there to broadcast the NCCL unique id: rank 0 hands one fixed-size blob
// (the 128-byte ncclUniqueId; the code sees only bytes) to every other rank
// over TCP at MASTER_ADDR:MASTER_PORT. It carries only that id: the
// collectives are NCCL's, and nothing else ever crosses this socket.
//
// The protocol (integers are 32-bit unsigned, network byte order):
//
//   peer -> rank 0   hello: magic "GRDV", version, rank, world size, blob size
//   rank 0 -> peer   reply: magic "GRDV", status (0 ok, 1 refused), length,
//                    then `length` bytes: the blob, or the reason of a refusal
//
// Rank 0 listens on every interface at the port (dual-stack IPv6 where the
// host has it, IPv4 otherwise; SO_REUSEADDR), as PyTorch's store does: a
// hostname in MASTER_ADDR may resolve to a loopback address on rank 0's own
// node (Debian maps the hostname to 127.0.1.1), which other nodes cannot
// reach. It accepts connections until every rank 1..W-1 has said hello once
// with the same world size and blob size, and only then sends the blob to
// all of them, so every process leaves the rendezvous knowing the whole
// world is there (ncclCommInitRank would otherwise wait forever for a
// missing rank). Any bad hello (wrong magic, version, world size or blob
// size; a rank outside 1..W-1; a rank twice) gets a refusal naming the cause
// and fails rank 0's rendezvous too, which closes the other connections.
//
// Peers resolve MASTER_ADDR with getaddrinfo (IPv4 and IPv6) and retry the
// connection (every 100 ms) until the deadline, since rank 0 may start last.
// Both sides give up at `timeout_s` after they start. Every failure is a
// grain::Error naming the address, the rank and the cause: a timeout, a
// refusal (with rank 0's reason), a short read, an unreachable or unknown
// address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace grain::distributed {

constexpr uint32_t kRendezvousMagic = 0x47524456;  // "GRDV"
constexpr uint32_t kRendezvousVersion = 1;

/// Rank 0's side. Listening from construction, so that the port is known
/// before serve() (port 0 asks the system for a free one: tests).
class RendezvousServer {
 public:
  /// Listens on every interface at `port`; `master_addr` names it in
  /// messages. Throws naming the port when it cannot (e.g. in use).
  RendezvousServer(const std::string& master_addr, int port);
  ~RendezvousServer();
  RendezvousServer(const RendezvousServer&) = delete;
  RendezvousServer& operator=(const RendezvousServer&) = delete;

  /// The port listened on (the one asked for, or the system's choice for 0).
  int port() const { return port_; }

  /// Waits until ranks 1..world_size-1 have each said hello once (at most
  /// `timeout_s` seconds), then sends them the `size` bytes at `blob`.
  /// Throws naming the missing ranks on a timeout, or the bad hello.
  void serve(const void* blob, size_t size, int world_size, double timeout_s);

 private:
  std::string where() const;

  std::string master_addr_;
  int port_ = 0;
  int fd_ = -1;
};

/// A peer's side: connects to master_addr:port (retrying until `timeout_s`),
/// says hello as `rank` of `world_size` and receives rank 0's `size` bytes
/// into `blob`. 1 <= rank < world_size.
void rendezvous_join(const std::string& master_addr, int port, int rank, int world_size, void* blob, size_t size,
                     double timeout_s);

/// Both sides in one call: rank 0 serves the `size` bytes at `blob`, every
/// other rank receives them into `blob`. A world of one returns at once.
void rendezvous_exchange(const std::string& master_addr, int port, int rank, int world_size, void* blob, size_t size,
                         double timeout_s);

}  // namespace grain::distributed
