// defines: RendezvousServer, rendezvous_join, rendezvous_exchange (see rendezvous.h)
//
// POSIX sockets only. Every wait is a poll() bounded by the one deadline of
// the call, so no step can outlive the timeout; sends use MSG_NOSIGNAL so a
// peer that went away is an error here, not a SIGPIPE.
#include "engine/distributed/rendezvous.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "engine/error.h"

namespace grain::distributed {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kHelloBytes = 5 * sizeof(uint32_t);  // magic, version, rank, world size, blob size
constexpr size_t kReplyBytes = 3 * sizeof(uint32_t);  // magic, status, length
constexpr uint32_t kStatusOk = 0;
constexpr uint32_t kStatusRefused = 1;
constexpr uint32_t kMaxReason = 4096;
constexpr auto kRetryPause = std::chrono::milliseconds(100);

Clock::time_point deadline_after(double seconds) {
  GRAIN_CHECK(seconds > 0, "rendezvous: the timeout must be positive, got " << seconds << " s");
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// Milliseconds to the deadline for poll(): 0 once it has passed.
int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

std::string errno_text(int code) { return std::strerror(code); }

// A socket closed when it goes out of scope.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Socket& operator=(Socket&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  /// Hands the descriptor over (no longer closed here).
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

enum class Io { kDone, kTimeout, kClosed, kError };

struct IoResult {
  Io status = Io::kDone;
  size_t bytes = 0;  // transferred before the status
  int error = 0;     // errno for kError
};

// Reads exactly n bytes unless the peer closes, an error occurs or the deadline passes.
IoResult read_exact(int fd, void* buffer, size_t n, Clock::time_point deadline) {
  IoResult r;
  char* p = static_cast<char*>(buffer);
  while (r.bytes < n) {
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return {Io::kError, r.bytes, errno};
    if (ready == 0) return {Io::kTimeout, r.bytes, 0};
    const ssize_t got = ::recv(fd, p + r.bytes, n - r.bytes, 0);
    if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (got < 0) return {Io::kError, r.bytes, errno};
    if (got == 0) return {Io::kClosed, r.bytes, 0};
    r.bytes += static_cast<size_t>(got);
  }
  return r;
}

IoResult write_all(int fd, const void* buffer, size_t n, Clock::time_point deadline) {
  IoResult r;
  const char* p = static_cast<const char*>(buffer);
  while (r.bytes < n) {
    pollfd pfd{fd, POLLOUT, 0};
    const int ready = ::poll(&pfd, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return {Io::kError, r.bytes, errno};
    if (ready == 0) return {Io::kTimeout, r.bytes, 0};
    const ssize_t sent = ::send(fd, p + r.bytes, n - r.bytes, MSG_NOSIGNAL);
    if (sent < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (sent < 0) return {Io::kError, r.bytes, errno};
    r.bytes += static_cast<size_t>(sent);
  }
  return r;
}

// "after 3 of 20 bytes", "timed out", "Connection reset by peer": what went wrong with an IoResult.
std::string describe(const IoResult& r, size_t wanted) {
  std::ostringstream s;
  switch (r.status) {
    case Io::kDone: s << "done"; break;
    case Io::kTimeout: s << "timed out after " << r.bytes << " of " << wanted << " bytes"; break;
    case Io::kClosed: s << "short read: the connection closed after " << r.bytes << " of " << wanted << " bytes"; break;
    case Io::kError: s << errno_text(r.error) << " after " << r.bytes << " of " << wanted << " bytes"; break;
  }
  return s.str();
}

void put_u32(unsigned char* at, uint32_t value) {
  const uint32_t big = htonl(value);
  std::memcpy(at, &big, sizeof(big));
}

uint32_t get_u32(const unsigned char* at) {
  uint32_t big = 0;
  std::memcpy(&big, at, sizeof(big));
  return ntohl(big);
}

// "[::1]:29500" or "10.0.0.2:29500": the numeric address of a connected peer.
std::string peer_name(const sockaddr_storage& address, socklen_t length) {
  char host[NI_MAXHOST] = "?";
  char service[NI_MAXSERV] = "?";
  ::getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, sizeof(host), service, sizeof(service),
                NI_NUMERICHOST | NI_NUMERICSERV);
  const bool v6 = address.ss_family == AF_INET6;
  return std::string(v6 ? "[" : "") + host + (v6 ? "]:" : ":") + service;
}

std::string endpoint(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// The reply header (and the reason of a refusal), best effort: the caller throws anyway.
void send_refusal(int fd, const std::string& reason, Clock::time_point deadline) {
  const std::string text = reason.substr(0, kMaxReason);
  std::vector<unsigned char> reply(kReplyBytes + text.size());
  put_u32(reply.data(), kRendezvousMagic);
  put_u32(reply.data() + 4, kStatusRefused);
  put_u32(reply.data() + 8, static_cast<uint32_t>(text.size()));
  std::memcpy(reply.data() + kReplyBytes, text.data(), text.size());
  // A short grace so that a refused peer hears why even when rank 0's deadline has passed.
  write_all(fd, reply.data(), reply.size(), std::max(deadline, Clock::now() + std::chrono::seconds(1)));
}

// Connects to one resolved address within the deadline; an invalid socket and `error` set otherwise.
Socket connect_to(const addrinfo& ai, Clock::time_point deadline, std::string& error) {
  Socket s(::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC, ai.ai_protocol));
  if (!s.valid()) {
    error = "socket: " + errno_text(errno);
    return {};
  }
  const int flags = ::fcntl(s.fd(), F_GETFL, 0);
  ::fcntl(s.fd(), F_SETFL, flags | O_NONBLOCK);
  if (::connect(s.fd(), ai.ai_addr, ai.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      error = errno_text(errno);
      return {};
    }
    pollfd pfd{s.fd(), POLLOUT, 0};
    int ready = 0;
    do ready = ::poll(&pfd, 1, remaining_ms(deadline));
    while (ready < 0 && errno == EINTR);
    if (ready <= 0) {
      error = ready == 0 ? "connection attempt timed out" : errno_text(errno);
      return {};
    }
    int code = 0;
    socklen_t length = sizeof(code);
    ::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &code, &length);
    if (code != 0) {
      error = errno_text(code);
      return {};
    }
  }
  return s;
}

}  // namespace

RendezvousServer::RendezvousServer(const std::string& master_addr, int port) : master_addr_(master_addr) {
  GRAIN_CHECK(port >= 0 && port <= 65535, "rendezvous: port " << port << " is outside [0, 65535]");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int gai = ::getaddrinfo(nullptr, service.c_str(), &hints, &found);
  GRAIN_CHECK(gai == 0, "rendezvous: rank 0 cannot resolve its listening address for port " << port << ": "
                                                                                           << ::gai_strerror(gai));
  std::vector<const addrinfo*> candidates;
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) candidates.push_back(ai);
  // IPv6 first: with IPV6_V6ONLY off one socket serves IPv4 peers as well.
  std::stable_sort(candidates.begin(), candidates.end(), [](const addrinfo* a, const addrinfo* b) {
    return a->ai_family == AF_INET6 && b->ai_family != AF_INET6;
  });
  int last_error = 0;
  for (const addrinfo* ai : candidates) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!s.valid()) {
      last_error = errno;
      continue;
    }
    const int on = 1, off = 0;
    ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (ai->ai_family == AF_INET6) ::setsockopt(s.fd(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    if (::bind(s.fd(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(s.fd(), SOMAXCONN) != 0) {
      last_error = errno;
      continue;
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    ::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    fd_ = s.release();  // the server owns it now
    break;
  }
  ::freeaddrinfo(found);
  GRAIN_CHECK(fd_ >= 0, "rendezvous: rank 0 cannot listen on port " << port << " (MASTER_ADDR:MASTER_PORT "
                            << endpoint(master_addr_, port) << "): " << errno_text(last_error)
                            << (last_error == EADDRINUSE
                                    ? " (another process holds the port; under torchrun its own store may, so set "
                                      "GRAIN_RENDEZVOUS_PORT to a free port, the same on every process; "
                                      "docs/distributed.md)"
                                    : ""));
}

RendezvousServer::~RendezvousServer() {
  if (fd_ >= 0) ::close(fd_);
}

std::string RendezvousServer::where() const { return "rendezvous at " + endpoint(master_addr_, port_) + " (rank 0)"; }

void RendezvousServer::serve(const void* blob, size_t size, int world_size, double timeout_s) {
  GRAIN_CHECK(world_size >= 1, where() << ": world size " << world_size << " must be at least 1");
  GRAIN_CHECK(size <= kMaxReason * 16, where() << ": a blob of " << size << " bytes is too large");
  if (world_size == 1) return;
  const Clock::time_point deadline = deadline_after(timeout_s);
  std::vector<Socket> peers(static_cast<size_t>(world_size));
  std::vector<std::string> peer_from(static_cast<size_t>(world_size));
  int joined = 0;
  while (joined < world_size - 1) {
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    GRAIN_CHECK(ready >= 0, where() << ": poll failed: " << errno_text(errno));
    if (ready == 0) {
      std::ostringstream missing;
      int listed = 0, count = 0;
      for (int r = 1; r < world_size; ++r) {
        if (peers[static_cast<size_t>(r)].valid()) continue;
        ++count;
        if (listed < 16) missing << (listed++ ? ", " : "") << r;
      }
      GRAIN_THROW(where() << ": timed out after " << timeout_s << " s with " << joined << " of " << world_size - 1
                          << " ranks connected; missing rank" << (count > 1 ? "s " : " ") << missing.str()
                          << (count > listed ? ", ..." : "")
                          << " (did every process start, with the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE?)");
    }
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    Socket c(::accept4(fd_, reinterpret_cast<sockaddr*>(&address), &length, SOCK_CLOEXEC));
    if (!c.valid()) {
      if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) continue;
      GRAIN_THROW(where() << ": accept failed: " << errno_text(errno));
    }
    const std::string from = peer_name(address, length);
    unsigned char hello[kHelloBytes];
    const IoResult got = read_exact(c.fd(), hello, sizeof(hello), deadline);
    GRAIN_CHECK(got.status == Io::kDone,
                where() << ": the hello of a connection from " << from << ": " << describe(got, sizeof(hello)));
    const uint32_t magic = get_u32(hello), version = get_u32(hello + 4), rank = get_u32(hello + 8),
                   world = get_u32(hello + 12), blob_size = get_u32(hello + 16);
    std::ostringstream reason;
    if (magic != kRendezvousMagic) {
      reason << "a connection from " << from << " is not a grain rendezvous peer (magic 0x" << std::hex << magic
             << std::dec << ")";
    } else if (version != kRendezvousVersion) {
      reason << "rank " << rank << " (" << from << ") speaks protocol version " << version << ", rank 0 speaks "
             << kRendezvousVersion << " (the same build on every process?)";
    } else if (world != static_cast<uint32_t>(world_size)) {
      reason << "rank " << rank << " (" << from << ") has world size " << world << " but rank 0 has "
             << world_size << " (WORLD_SIZE must be the same on every process)";
    } else if (blob_size != size) {
      reason << "rank " << rank << " (" << from << ") expects " << blob_size << " bytes but rank 0 sends " << size
             << " (the same build on every process?)";
    } else if (rank == 0 || rank >= static_cast<uint32_t>(world_size)) {
      reason << "a peer (" << from << ") says it is rank " << rank << "; peers are ranks 1.." << world_size - 1;
    } else if (peers[rank].valid()) {
      reason << "rank " << rank << " connected twice (from " << peer_from[rank] << " and " << from
             << "); RANK must be distinct on every process";
    }
    if (!reason.str().empty()) {
      send_refusal(c.fd(), reason.str(), deadline);
      GRAIN_THROW(where() << ": refused: " << reason.str());
    }
    peers[rank] = std::move(c);
    peer_from[rank] = from;
    ++joined;
  }
  // The whole world is here: the blob to everyone.
  std::vector<unsigned char> reply(kReplyBytes + size);
  put_u32(reply.data(), kRendezvousMagic);
  put_u32(reply.data() + 4, kStatusOk);
  put_u32(reply.data() + 8, static_cast<uint32_t>(size));
  std::memcpy(reply.data() + kReplyBytes, blob, size);
  for (int r = 1; r < world_size; ++r) {
    const IoResult sent = write_all(peers[static_cast<size_t>(r)].fd(), reply.data(), reply.size(), deadline);
    GRAIN_CHECK(sent.status == Io::kDone, where() << ": sending the id to rank " << r << " ("
                                                  << peer_from[static_cast<size_t>(r)]
                                                  << "): " << describe(sent, reply.size()));
  }
}

void rendezvous_join(const std::string& master_addr, int port, int rank, int world_size, void* blob, size_t size,
                     double timeout_s) {
  const std::string at = endpoint(master_addr, port);
  GRAIN_CHECK(rank >= 1 && rank < world_size,
              "rendezvous at " << at << ": rank " << rank << " cannot join a world of " << world_size
                               << " (peers are ranks 1.." << world_size - 1 << ")");
  GRAIN_CHECK(port >= 1 && port <= 65535, "rendezvous at " << at << ": rank " << rank << ": port " << port
                                                           << " is outside [1, 65535]");
  const Clock::time_point deadline = deadline_after(timeout_s);
  const std::string who = "rendezvous at " + at + ": rank " + std::to_string(rank) + " of " +
                          std::to_string(world_size);

  // Connect, retrying while rank 0 is not listening yet.
  Socket s;
  std::string last_error = "no attempt";
  const std::string service = std::to_string(port);
  while (!s.valid()) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int gai = ::getaddrinfo(master_addr.c_str(), service.c_str(), &hints, &found);
    if (gai != 0) {
      last_error = std::string("cannot resolve ") + master_addr + ": " + ::gai_strerror(gai);
    } else {
      for (const addrinfo* ai = found; ai != nullptr && !s.valid(); ai = ai->ai_next)
        s = connect_to(*ai, deadline, last_error);
      ::freeaddrinfo(found);
    }
    if (s.valid()) break;
    GRAIN_CHECK(Clock::now() < deadline, who << ": timed out after " << timeout_s
                                             << " s connecting to rank 0 (last error: " << last_error
                                             << "); is rank 0 running, with the same MASTER_ADDR and MASTER_PORT?");
    std::this_thread::sleep_for(std::min<Clock::duration>(kRetryPause, deadline - Clock::now()));
  }

  unsigned char hello[kHelloBytes];
  put_u32(hello, kRendezvousMagic);
  put_u32(hello + 4, kRendezvousVersion);
  put_u32(hello + 8, static_cast<uint32_t>(rank));
  put_u32(hello + 12, static_cast<uint32_t>(world_size));
  put_u32(hello + 16, static_cast<uint32_t>(size));
  const IoResult sent = write_all(s.fd(), hello, sizeof(hello), deadline);
  GRAIN_CHECK(sent.status == Io::kDone, who << ": sending its hello: " << describe(sent, sizeof(hello)));

  unsigned char reply[kReplyBytes];
  const IoResult got = read_exact(s.fd(), reply, sizeof(reply), deadline);
  GRAIN_CHECK(got.status != Io::kTimeout,
              who << ": timed out after " << timeout_s
                  << " s waiting for rank 0 to send the id (rank 0 sends it once every rank has connected)");
  GRAIN_CHECK(got.status == Io::kDone, who << ": the reply of rank 0: " << describe(got, sizeof(reply))
                                           << " (rank 0's rendezvous failed; its message names the cause)");
  GRAIN_CHECK(get_u32(reply) == kRendezvousMagic,
              who << ": the process at " << at << " is not a grain rendezvous (reply magic 0x" << std::hex
                  << get_u32(reply) << std::dec << "); under torchrun set GRAIN_RENDEZVOUS_PORT to a free port");
  const uint32_t status = get_u32(reply + 4), length = get_u32(reply + 8);
  if (status == kStatusRefused) {
    std::string reason(std::min(length, kMaxReason), '\0');
    read_exact(s.fd(), reason.data(), reason.size(), std::max(deadline, Clock::now() + std::chrono::seconds(1)));
    GRAIN_THROW(who << ": refused by rank 0: " << reason.c_str());
  }
  GRAIN_CHECK(status == kStatusOk, who << ": rank 0 answered with unknown status " << status);
  GRAIN_CHECK(length == size, who << ": rank 0 sends " << length << " bytes, this rank expects " << size);
  const IoResult body = read_exact(s.fd(), blob, size, deadline);
  GRAIN_CHECK(body.status == Io::kDone, who << ": receiving the id: " << describe(body, size));
}

void rendezvous_exchange(const std::string& master_addr, int port, int rank, int world_size, void* blob, size_t size,
                         double timeout_s) {
  if (world_size == 1) return;
  if (rank == 0) {
    RendezvousServer server(master_addr, port);
    server.serve(blob, size, world_size, timeout_s);
  } else {
    rendezvous_join(master_addr, port, rank, world_size, blob, size, timeout_s);
  }
}

}  // namespace grain::distributed
