// defines: grain::distributed::RendezvousOptions, RendezvousServer, rendezvous_join, rendezvous_exchange,
//          kRendezvousMagic, kRendezvousVersion, kRendezvousNonceBytes, kRendezvousPeerLabel,
//          kRendezvousReplyLabel
//
// The start-up of a torchrun-style job of several processes, where no MPI is
// there to broadcast the NCCL unique id: rank 0 hands one fixed-size blob
// (the 128-byte ncclUniqueId; the code sees only bytes) to every other rank
// over TCP at MASTER_ADDR:MASTER_PORT. It carries only that id: the
// collectives are NCCL's, and nothing else ever crosses this socket.
//
// Authentication. The launching side hands every process the same random
// token (GRAIN_RENDEZVOUS_TOKEN, docs/distributed.md). Neither side ever
// sends it: each proves it holds the token with an HMAC-SHA256, keyed by the
// token, of a transcript that includes a fresh random nonce of the other
// side, so a proof cannot be replayed, and the two proofs carry different
// labels, so one cannot be reflected as the other. Rank 0 sends the blob only
// to a connection whose proof it has checked, and a peer takes the blob (or
// a refusal) only with rank 0's proof over it. MACs are compared in constant
// time. Without a token the key is empty (anyone can compute the proofs), so
// rank 0 then accepts connections from loopback addresses only: a job on one
// host with MASTER_ADDR=localhost needs no token, anything else does.
//
// The protocol (integers are 32-bit unsigned, network byte order; Np and N0
// are 32 random bytes each, K the token, MAC = HMAC-SHA256):
//
//   peer -> rank 0   hello (52 bytes): magic "GRDV", version, rank, world
//                    size, blob size, Np
//   rank 0 -> peer   challenge: magic, status 2, length 32, N0
//   peer -> rank 0   proof (32 bytes): MAC(K, kRendezvousPeerLabel | hello | N0)
//   rank 0 -> peer   reply: magic, status (0 ok, 1 refused), length, then
//                    `length` bytes: MAC(K, kRendezvousReplyLabel | hello |
//                    N0 | magic, status, length | payload), then the payload
//                    (the blob, or the reason of a refusal)
//
// Instead of the challenge or the reply rank 0 may send a rejection (magic,
// status 3, length, reason): the connection failed the handshake (another
// protocol version, a proof that does not match the token, no token and a
// peer that is not on loopback) and is closed. A rejection carries no MAC,
// so the peer prints it as the word of whatever answered, never as rank 0's.
// Text from the other side is printed only after its control characters
// are escaped.
//
// Rank 0 listens on the addresses MASTER_ADDR resolves to (every one of
// them: "localhost" is 127.0.0.1 and ::1), or, with listen_all
// (GRAIN_RENDEZVOUS_LISTEN_ALL=1), on every interface (dual-stack IPv6 where
// the host has it). It serves every connection at once, each with its own
// handshake deadline (RendezvousOptions::handshake_timeout_s), so an idle or
// slow connection cannot hold up the others; a connection that fails the
// handshake (wrong token, garbage, a reset, its deadline) is logged and
// closed, and rank 0 keeps waiting for the real peers. Once every rank
// 1..W-1 has proven the token and said hello once with the same world size
// and blob size, it sends the blob to all of them, so every process leaves
// the rendezvous knowing the whole world is there (ncclCommInitRank would
// otherwise wait forever for a missing rank). A peer that proved the token
// but disagrees (world size, blob size, a rank outside 1..W-1, a rank twice)
// is misconfigured, not hostile: it gets a refusal naming the cause, and
// rank 0's rendezvous fails too, which closes the other connections.
//
// Peers resolve MASTER_ADDR with getaddrinfo (IPv4 and IPv6) and retry the
// connection (every 100 ms) until the deadline, since rank 0 may start last.
// Both sides give up at `timeout_s` after they start. Every failure is a
// grain::Error naming the address, the rank and the cause: a timeout, a
// refusal (with rank 0's reason), a short read, a proof that does not match,
// an unreachable or unknown address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace grain::distributed {

constexpr uint32_t kRendezvousMagic = 0x47524456;  // "GRDV"
constexpr uint32_t kRendezvousVersion = 2;
constexpr size_t kRendezvousNonceBytes = 32;
constexpr std::string_view kRendezvousPeerLabel = "grain rendezvous peer proof";
constexpr std::string_view kRendezvousReplyLabel = "grain rendezvous rank 0 reply";

struct RendezvousOptions {
  /// The secret every process of the job holds (GRAIN_RENDEZVOUS_TOKEN).
  /// Empty: no secret, and rank 0 accepts peers on loopback addresses only.
  std::string token;
  /// Rank 0 listens on every interface instead of MASTER_ADDR's addresses
  /// (GRAIN_RENDEZVOUS_LISTEN_ALL=1).
  bool listen_all = false;
  /// Rank 0 closes a connection that has not completed its handshake
  /// (hello, challenge, proof) this many seconds after it was accepted.
  double handshake_timeout_s = 10;
  /// Where rank 0 reports the connections it ignores (one line each, no
  /// newline); empty: standard error, prefixed "grain: ".
  std::function<void(const std::string&)> log;
};

/// Rank 0's side. Listening from construction, so that the port is known
/// before serve() (port 0 asks the system for a free one: tests).
class RendezvousServer {
 public:
  /// Listens at `port` on the addresses `master_addr` resolves to on this
  /// host (or on every interface with options.listen_all); `master_addr`
  /// also names it in messages. Throws naming the address and port when it
  /// cannot (in use, not an address of this host, unknown).
  RendezvousServer(const std::string& master_addr, int port, RendezvousOptions options = {});
  ~RendezvousServer();
  RendezvousServer(const RendezvousServer&) = delete;
  RendezvousServer& operator=(const RendezvousServer&) = delete;

  /// The port listened on (the one asked for, or the system's choice for 0).
  int port() const { return port_; }

  /// Waits until ranks 1..world_size-1 have each proven the token and said
  /// hello once (at most `timeout_s` seconds), then sends them the `size`
  /// bytes at `blob`. Throws naming the missing ranks on a timeout, or the
  /// bad hello of a peer that proved the token.
  void serve(const void* blob, size_t size, int world_size, double timeout_s);

 private:
  std::string where() const;
  void log(const std::string& line) const;

  std::string master_addr_;
  RendezvousOptions options_;
  int port_ = 0;
  std::vector<int> fds_;         // one listening socket per address
  std::string listening_on_;     // "127.0.0.1, ::1": for messages
  bool loopback_only_ = false;   // every address listened on is a loopback one
};

/// A peer's side: connects to master_addr:port (retrying until `timeout_s`),
/// proves options.token as `rank` of `world_size` and receives rank 0's
/// `size` bytes into `blob` (written only once rank 0's proof is checked).
/// 1 <= rank < world_size.
void rendezvous_join(const std::string& master_addr, int port, int rank, int world_size, void* blob, size_t size,
                     double timeout_s, const RendezvousOptions& options = {});

/// Both sides in one call: rank 0 serves the `size` bytes at `blob`, every
/// other rank receives them into `blob`. A world of one returns at once.
void rendezvous_exchange(const std::string& master_addr, int port, int rank, int world_size, void* blob, size_t size,
                         double timeout_s, const RendezvousOptions& options = {});

}  // namespace grain::distributed
