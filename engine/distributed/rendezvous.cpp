// defines: RendezvousServer, rendezvous_join, rendezvous_exchange (see rendezvous.h)
//
// POSIX sockets only. Every wait is a poll() bounded by a deadline of the
// call, so no step can outlive the timeout; sends use MSG_NOSIGNAL so a peer
// that went away is an error here, not a SIGPIPE. Rank 0 runs one poll()
// loop over its listening sockets and every connection still in its
// handshake (non-blocking, each with its own deadline), rather than a thread
// per connection: nothing is shared, and one slow connection costs a slot in
// the loop, not the loop.
#include "engine/distributed/rendezvous.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "engine/distributed/hmac_sha256.h"
#include "engine/error.h"

namespace grain::distributed {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kNonceBytes = kRendezvousNonceBytes;
// magic, version, rank, world size, blob size, the peer's nonce
constexpr size_t kHelloBytes = 5 * sizeof(uint32_t) + kNonceBytes;
constexpr size_t kHeaderBytes = 3 * sizeof(uint32_t);  // magic, status, length
constexpr size_t kMacBytes = 32;
constexpr uint32_t kStatusOk = 0;
constexpr uint32_t kStatusRefused = 1;
constexpr uint32_t kStatusChallenge = 2;
constexpr uint32_t kStatusRejected = 3;
constexpr uint32_t kMaxReason = 4096;
constexpr auto kRetryPause = std::chrono::milliseconds(100);
// Connections in their handshake at once; past it the oldest is closed (a
// real peer's handshake takes one round trip, so it is never the oldest
// for long).
constexpr size_t kMaxHandshakes = 128;
constexpr int kMaxLoggedIgnored = 16;
constexpr int kAcceptsPerRound = 64;

Clock::time_point deadline_after(double seconds) {
  GRAIN_CHECK(seconds > 0, "rendezvous: the timeout must be positive, got " << seconds << " s");
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// Milliseconds to the deadline for poll(), rounded up (so that a wait does
// not end just before its deadline and spin): 0 once it has passed.
int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
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

// Text that came from the other side, safe to print: every byte outside
// printable ASCII (terminal escape sequences, newlines, UTF-8) as \xNN.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", byte);
      out += escaped;
    }
  }
  return out;
}

// n bytes from the kernel's random source (getrandom, else /dev/urandom).
void random_bytes(unsigned char* out, size_t n) {
  size_t have = 0;
  while (have < n) {
    const ssize_t got = ::getrandom(out + have, n - have, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    have += static_cast<size_t>(got);
  }
  if (have == n) return;
  const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  GRAIN_CHECK(fd >= 0, "rendezvous: no random source (getrandom and /dev/urandom failed: " << errno_text(errno)
                                                                                           << ")");
  Socket closer(fd);
  while (have < n) {
    const ssize_t got = ::read(fd, out + have, n - have);
    if (got < 0 && errno == EINTR) continue;
    GRAIN_CHECK(got > 0, "rendezvous: reading /dev/urandom failed: " << errno_text(errno));
    have += static_cast<size_t>(got);
  }
}

bool is_loopback(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    return (ntohl(v4.sin_addr.s_addr) >> 24) == 127;  // 127.0.0.0/8
  }
  if (address.ss_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6&>(address).sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
    return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;  // ::ffff:127.0.0.0/104
  }
  return false;
}

// The numeric host of an address: "10.0.0.2", "::1".
std::string numeric_host(const sockaddr* address, socklen_t length) {
  char host[NI_MAXHOST] = "?";
  ::getnameinfo(address, length, host, sizeof(host), nullptr, 0, NI_NUMERICHOST);
  return host;
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

bool is_numeric_address(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// A message of rank 0: the header, then `size` bytes of `body` (zeros when
// it is null: room for a proof), then `more`.
std::vector<unsigned char> message(uint32_t status, const void* body, size_t size, const void* more = nullptr,
                                   size_t more_size = 0) {
  std::vector<unsigned char> bytes(kHeaderBytes + size + more_size);
  put_u32(bytes.data(), kRendezvousMagic);
  put_u32(bytes.data() + 4, status);
  put_u32(bytes.data() + 8, static_cast<uint32_t>(size + more_size));
  if (body != nullptr && size > 0) std::memcpy(bytes.data() + kHeaderBytes, body, size);
  if (more_size > 0) std::memcpy(bytes.data() + kHeaderBytes + size, more, more_size);
  return bytes;
}

// The peer's proof: MAC(K, peer label | hello | N0).
Digest peer_proof(const std::string& token, const unsigned char* hello, const unsigned char* nonce) {
  HmacSha256 mac(token);
  mac.update(kRendezvousPeerLabel);
  mac.update(hello, kHelloBytes);
  mac.update(nonce, kNonceBytes);
  return mac.finish();
}

// Rank 0's proof over its reply: MAC(K, reply label | hello | N0 | header | payload).
Digest reply_proof(const std::string& token, const unsigned char* hello, const unsigned char* nonce,
                   const unsigned char* header, const void* payload, size_t size) {
  HmacSha256 mac(token);
  mac.update(kRendezvousReplyLabel);
  mac.update(hello, kHelloBytes);
  mac.update(nonce, kNonceBytes);
  mac.update(header, kHeaderBytes);
  mac.update(payload, size);
  return mac.finish();
}

// The reply to a peer that proved the token: header, rank 0's proof, payload.
std::vector<unsigned char> authenticated_reply(const std::string& token, const unsigned char* hello,
                                               const unsigned char* nonce, uint32_t status, const void* payload,
                                               size_t size) {
  std::vector<unsigned char> bytes = message(status, nullptr, kMacBytes, payload, size);
  const Digest proof = reply_proof(token, hello, nonce, bytes.data(), payload, size);
  std::memcpy(bytes.data() + kHeaderBytes, proof.data(), proof.size());
  return bytes;
}

// One send without waiting, best effort: a rejection to a connection rank 0
// is about to close (its socket buffer is empty, so a short message fits).
void send_now(int fd, const std::vector<unsigned char>& bytes) {
  (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
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

// A listening socket at `address` (port included); invalid with `error` set when it cannot.
Socket listen_at(const sockaddr* address, socklen_t length, bool v6_only, int& error) {
  Socket s(::socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!s.valid()) {
    error = errno;
    return {};
  }
  const int on = 1, v6_only_value = v6_only ? 1 : 0;
  ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (address->sa_family == AF_INET6)
    ::setsockopt(s.fd(), IPPROTO_IPV6, IPV6_V6ONLY, &v6_only_value, sizeof(v6_only_value));
  if (::bind(s.fd(), address, length) != 0 || ::listen(s.fd(), SOMAXCONN) != 0) {
    error = errno;
    return {};
  }
  return s;
}

int bound_port(int fd) {
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  return bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

void set_port(sockaddr_storage& address, int port) {
  if (address.ss_family == AF_INET6)
    reinterpret_cast<sockaddr_in6&>(address).sin6_port = htons(static_cast<uint16_t>(port));
  else
    reinterpret_cast<sockaddr_in&>(address).sin_port = htons(static_cast<uint16_t>(port));
}

// One connection in its handshake on rank 0's side.
struct Handshake {
  enum class Phase { kHello, kChallenge, kProof };

  Socket socket;
  std::string from;  // peer_name
  bool loopback = false;
  Clock::time_point deadline;
  Phase phase = Phase::kHello;
  unsigned char hello[kHelloBytes] = {};
  unsigned char nonce[kNonceBytes] = {};  // N0
  unsigned char proof[kMacBytes] = {};
  size_t have = 0;                         // bytes of the hello or the proof read so far
  std::vector<unsigned char> challenge;    // being written
  size_t sent = 0;
  bool finished = false;                   // proven or dropped: leaves the list
};

// What one step of a handshake came to.
struct Step {
  enum class Kind { kWaiting, kDropped, kProven } kind = Kind::kWaiting;
  std::string why;     // kDropped: for rank 0's log
  std::string reject;  // kDropped: the rejection sent to the connection ("" for none)
};

Step dropped(std::string why, std::string reject = "") {
  return {Step::Kind::kDropped, std::move(why), std::move(reject)};
}

}  // namespace

namespace {

// Reads what the connection has sent and writes what it can take, without
// waiting: the hello (checked as it comes), the challenge, the proof.
Step advance(Handshake& h, const std::string& token) {
  for (;;) {
    if (h.phase == Handshake::Phase::kChallenge) {
      const ssize_t n =
          ::send(h.socket.fd(), h.challenge.data() + h.sent, h.challenge.size() - h.sent, MSG_NOSIGNAL);
      const int error = n < 0 ? errno : 0;
      if (error == EINTR) continue;
      if (error == EAGAIN || error == EWOULDBLOCK) return {};
      if (n < 0) return dropped("sending it the challenge: " + errno_text(error));
      h.sent += static_cast<size_t>(n);
      if (h.sent < h.challenge.size()) continue;
      h.phase = Handshake::Phase::kProof;
      h.have = 0;
      continue;
    }
    const bool hello = h.phase == Handshake::Phase::kHello;
    unsigned char* buffer = hello ? h.hello : h.proof;
    const size_t wanted = hello ? kHelloBytes : kMacBytes;
    const std::string what = hello ? "hello" : "proof of the token";
    const ssize_t got = ::recv(h.socket.fd(), buffer + h.have, wanted - h.have, 0);
    const int error = got < 0 ? errno : 0;
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) return {};
    if (got <= 0) {
      std::ostringstream why;
      why << (got == 0 ? std::string("it closed the connection") : errno_text(error)) << " after " << h.have
          << " of " << wanted << " bytes of its " << what;
      return dropped(why.str());
    }
    h.have += static_cast<size_t>(got);
    if (hello && h.have >= 8) {
      const uint32_t magic = get_u32(h.hello), version = get_u32(h.hello + 4);
      if (magic != kRendezvousMagic) {
        std::ostringstream why;
        why << "not a grain rendezvous peer (magic 0x" << std::hex << magic << ")";
        return dropped(why.str());
      }
      if (version != kRendezvousVersion) {
        const std::string why = "it speaks rendezvous protocol version " + std::to_string(version) +
                                ", rank 0 speaks " + std::to_string(kRendezvousVersion) +
                                " (the same build on every process?)";
        return dropped(why, why);
      }
    }
    if (h.have < wanted) continue;
    if (hello) {
      if (token.empty() && !h.loopback) {
        return dropped("it is not on a loopback address, and rank 0 has no GRAIN_RENDEZVOUS_TOKEN",
                       "rank 0 has no GRAIN_RENDEZVOUS_TOKEN, so it accepts peers on its own host's loopback "
                       "addresses only; give every process of the job the same GRAIN_RENDEZVOUS_TOKEN "
                       "(docs/distributed.md)");
      }
      random_bytes(h.nonce, kNonceBytes);
      h.challenge = message(kStatusChallenge, h.nonce, kNonceBytes);
      h.sent = 0;
      h.phase = Handshake::Phase::kChallenge;
      continue;
    }
    const Digest expected = peer_proof(token, h.hello, h.nonce);
    if (!digests_equal(expected.data(), h.proof, kMacBytes)) {
      return dropped(std::string("its proof does not match rank 0's token (GRAIN_RENDEZVOUS_TOKEN ") +
                         (token.empty() ? "is not set on rank 0)" : "is set on rank 0)"),
                     "the proof of the token does not match rank 0's (GRAIN_RENDEZVOUS_TOKEN must be the same on "
                     "every process)");
    }
    return {Step::Kind::kProven, "", ""};
  }
}

}  // namespace

RendezvousServer::RendezvousServer(const std::string& master_addr, int port, RendezvousOptions options)
    : master_addr_(master_addr), options_(std::move(options)) {
  GRAIN_CHECK(port >= 0 && port <= 65535, "rendezvous: port " << port << " is outside [0, 65535]");
  GRAIN_CHECK(options_.handshake_timeout_s > 0,
              "rendezvous: the handshake timeout must be positive, got " << options_.handshake_timeout_s << " s");
  const std::string service = std::to_string(port);
  const std::string in_use_hint =
      " (another process holds the port; under torchrun its own store may, so set GRAIN_RENDEZVOUS_PORT to a "
      "free port, the same on every process; docs/distributed.md)";
  std::vector<Socket> sockets;
  std::vector<std::string> names;

  if (options_.listen_all) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
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
      Socket s = listen_at(ai->ai_addr, ai->ai_addrlen, false, last_error);
      if (!s.valid()) continue;
      sockets.push_back(std::move(s));
      names.push_back("every interface");
      break;
    }
    ::freeaddrinfo(found);
    GRAIN_CHECK(!sockets.empty(), "rendezvous: rank 0 cannot listen on port "
                                      << port << " of every interface (GRAIN_RENDEZVOUS_LISTEN_ALL): "
                                      << errno_text(last_error) << (last_error == EADDRINUSE ? in_use_hint : ""));
  } else {
    // The addresses MASTER_ADDR resolves to here, each once.
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const int gai = ::getaddrinfo(master_addr.c_str(), service.c_str(), &hints, &found);
    GRAIN_CHECK(gai == 0, "rendezvous: rank 0 cannot resolve MASTER_ADDR '" << master_addr << "' to listen on: "
                                                                           << ::gai_strerror(gai));
    std::vector<std::pair<sockaddr_storage, socklen_t>> addresses;
    for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
      if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
      sockaddr_storage a{};
      std::memcpy(&a, ai->ai_addr, ai->ai_addrlen);
      const bool seen = std::any_of(addresses.begin(), addresses.end(), [&](const auto& b) {
        return b.second == ai->ai_addrlen && std::memcmp(&b.first, &a, ai->ai_addrlen) == 0;
      });
      if (!seen) addresses.emplace_back(a, ai->ai_addrlen);
    }
    ::freeaddrinfo(found);
    std::string skipped;
    // With port 0 the first address gets the system's choice and the others
    // that port, which may be taken on them: then again from the start.
    for (int attempt = 0; attempt < 16; ++attempt) {
      sockets.clear();
      names.clear();
      skipped.clear();
      int chosen = port;
      bool again = false;
      for (auto& [address, length] : addresses) {
        set_port(address, chosen);
        const std::string host = numeric_host(reinterpret_cast<const sockaddr*>(&address), length);
        int error = 0;
        Socket s = listen_at(reinterpret_cast<const sockaddr*>(&address), length, true, error);
        if (!s.valid() && error == EADDRINUSE && port == 0 && chosen != 0) {
          again = true;
          break;
        }
        GRAIN_CHECK(s.valid() || error != EADDRINUSE,
                    "rendezvous: rank 0 cannot listen at " << endpoint(host, chosen) << " (MASTER_ADDR:MASTER_PORT "
                        << endpoint(master_addr, port) << "): " << errno_text(error) << in_use_hint);
        if (!s.valid()) {
          // Not an address of this host (or no IPv6 here): the others may still be.
          skipped += (skipped.empty() ? "" : "; ") + host + ": " + errno_text(error);
          continue;
        }
        if (chosen == 0) chosen = bound_port(s.fd());
        sockets.push_back(std::move(s));
        names.push_back(host);
      }
      if (!again) break;
    }
    GRAIN_CHECK(!sockets.empty(),
                "rendezvous: rank 0 cannot listen at MASTER_ADDR " << endpoint(master_addr, port) << " ("
                    << (skipped.empty() ? "no IPv4 or IPv6 address" : skipped)
                    << "): MASTER_ADDR must be an address of rank 0's host; behind NAT, or to listen on every "
                       "interface, set GRAIN_RENDEZVOUS_LISTEN_ALL=1");
  }
  port_ = bound_port(sockets.front().fd());
  loopback_only_ = !options_.listen_all;
  for (Socket& s : sockets) {
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    ::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&bound), &length);
    loopback_only_ = loopback_only_ && is_loopback(bound);
    fds_.push_back(s.release());  // the server owns them now
  }
  for (const std::string& name : names) listening_on_ += (listening_on_.empty() ? "" : ", ") + name;
}

RendezvousServer::~RendezvousServer() {
  for (const int fd : fds_) ::close(fd);
}

std::string RendezvousServer::where() const { return "rendezvous at " + endpoint(master_addr_, port_) + " (rank 0)"; }

void RendezvousServer::log(const std::string& line) const {
  if (options_.log)
    options_.log(line);
  else
    std::fprintf(stderr, "grain: %s\n", line.c_str());
}

void RendezvousServer::serve(const void* blob, size_t size, int world_size, double timeout_s) {
  GRAIN_CHECK(world_size >= 1, where() << ": world size " << world_size << " must be at least 1");
  GRAIN_CHECK(size <= kMaxReason * 16, where() << ": a blob of " << size << " bytes is too large");
  if (world_size == 1) return;
  const Clock::time_point deadline = deadline_after(timeout_s);
  const auto handshake_span = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options_.handshake_timeout_s));
  const std::string& token = options_.token;

  // The peers that proved the token, by rank, with their handshake (rank 0's
  // reply is proven over it).
  struct Joined {
    Socket socket;
    std::string from;
    unsigned char hello[kHelloBytes] = {};
    unsigned char nonce[kNonceBytes] = {};
  };
  std::vector<Joined> peers(static_cast<size_t>(world_size));
  std::vector<Handshake> handshakes;
  int joined = 0;
  int ignored = 0;

  // A connection that failed its handshake: told why (when `reject` says), closed, logged.
  const auto ignore = [&](Handshake& h, const std::string& why, const std::string& reject) {
    if (!reject.empty()) send_now(h.socket.fd(), message(kStatusRejected, reject.data(), reject.size()));
    h.socket = Socket();
    h.finished = true;
    ++ignored;
    if (ignored <= kMaxLoggedIgnored) log(where() + ": ignored a connection from " + h.from + ": " + why);
    if (ignored == kMaxLoggedIgnored) log(where() + ": further ignored connections are counted, not logged");
  };
  const auto oldest_waiting = [&]() -> Handshake* {
    for (Handshake& h : handshakes)
      if (!h.finished) return &h;
    return nullptr;
  };
  const auto forget_finished = [&] {
    handshakes.erase(std::remove_if(handshakes.begin(), handshakes.end(),
                                    [](const Handshake& h) { return h.finished; }),
                     handshakes.end());
  };
  // A peer that proved the token: a member of the world, or misconfigured.
  const auto admit = [&](Handshake& h) {
    h.finished = true;
    const uint32_t rank = get_u32(h.hello + 8), world = get_u32(h.hello + 12), blob_size = get_u32(h.hello + 16);
    const std::string& from = h.from;
    std::ostringstream reason;
    if (world != static_cast<uint32_t>(world_size)) {
      reason << "rank " << rank << " (" << from << ") has world size " << world << " but rank 0 has " << world_size
             << " (WORLD_SIZE must be the same on every process)";
    } else if (blob_size != size) {
      reason << "rank " << rank << " (" << from << ") expects " << blob_size << " bytes but rank 0 sends " << size
             << " (the same build on every process?)";
    } else if (rank == 0 || rank >= static_cast<uint32_t>(world_size)) {
      reason << "a peer (" << from << ") says it is rank " << rank << "; peers are ranks 1.." << world_size - 1;
    } else if (peers[rank].socket.valid()) {
      reason << "rank " << rank << " connected twice (from " << peers[rank].from << " and " << from
             << "); RANK must be distinct on every process";
    }
    if (!reason.str().empty()) {
      const std::string text = reason.str().substr(0, kMaxReason);
      const std::vector<unsigned char> refusal =
          authenticated_reply(token, h.hello, h.nonce, kStatusRefused, text.data(), text.size());
      // A short grace so that a refused peer hears why even when rank 0's deadline has passed.
      write_all(h.socket.fd(), refusal.data(), refusal.size(),
                std::max(deadline, Clock::now() + std::chrono::seconds(1)));
      GRAIN_THROW(where() << ": refused: " << text);
    }
    Joined& peer = peers[rank];
    peer.socket = std::move(h.socket);
    peer.from = from;
    std::memcpy(peer.hello, h.hello, kHelloBytes);
    std::memcpy(peer.nonce, h.nonce, kNonceBytes);
    ++joined;
  };

  std::vector<pollfd> polled;
  while (joined < world_size - 1) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      std::ostringstream missing;
      int listed = 0, count = 0;
      for (int r = 1; r < world_size; ++r) {
        if (peers[static_cast<size_t>(r)].socket.valid()) continue;
        ++count;
        if (listed < 16) missing << (listed++ ? ", " : "") << r;
      }
      std::ostringstream notes;
      if (ignored > 0)
        notes << "; " << ignored << " connection" << (ignored > 1 ? "s" : "")
              << " that failed the handshake ignored (logged above)";
      if (loopback_only_ && master_addr_ != "localhost" && !is_numeric_address(master_addr_))
        notes << "; MASTER_ADDR " << master_addr_ << " resolves to " << listening_on_
              << " on rank 0's host, which other hosts cannot reach: set MASTER_ADDR to an address they reach, or "
                 "GRAIN_RENDEZVOUS_LISTEN_ALL=1";
      GRAIN_THROW(where() << ": timed out after " << timeout_s << " s with " << joined << " of " << world_size - 1
                          << " ranks connected; missing rank" << (count > 1 ? "s " : " ") << missing.str()
                          << (count > listed ? ", ..." : "")
                          << " (did every process start, with the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE?)"
                          << notes.str());
    }
    for (Handshake& h : handshakes) {
      if (now < h.deadline) continue;
      std::ostringstream why;
      why << "no handshake within " << options_.handshake_timeout_s << " s (" << h.have << " bytes of its "
          << (h.phase == Handshake::Phase::kHello ? "hello" : "proof of the token") << ")";
      ignore(h, why.str(), "the handshake did not complete in time");
    }
    forget_finished();

    polled.clear();
    for (const int fd : fds_) polled.push_back({fd, POLLIN, 0});
    Clock::time_point wake = deadline;
    for (const Handshake& h : handshakes) {
      const short events = h.phase == Handshake::Phase::kChallenge ? POLLOUT : POLLIN;
      polled.push_back({h.socket.fd(), events, 0});
      wake = std::min(wake, h.deadline);
    }
    const int ready = ::poll(polled.data(), polled.size(), remaining_ms(wake));
    if (ready < 0 && errno == EINTR) continue;
    GRAIN_CHECK(ready >= 0, where() << ": poll failed: " << errno_text(errno));
    if (ready == 0) continue;

    // The connections in their handshake (those polled; new ones join below).
    for (size_t i = 0; i < handshakes.size() && joined < world_size - 1; ++i) {
      if (polled[fds_.size() + i].revents == 0) continue;
      Handshake& h = handshakes[i];
      const Step step = advance(h, token);
      if (step.kind == Step::Kind::kDropped) ignore(h, step.why, step.reject);
      if (step.kind == Step::Kind::kProven) admit(h);
    }
    forget_finished();
    if (joined == world_size - 1) break;

    for (size_t l = 0; l < fds_.size(); ++l) {
      if ((polled[l].revents & POLLIN) == 0) continue;
      for (int k = 0; k < kAcceptsPerRound; ++k) {
        sockaddr_storage address{};
        socklen_t length = sizeof(address);
        Socket c(::accept4(fds_[l], reinterpret_cast<sockaddr*>(&address), &length, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!c.valid()) {
          const int error = errno;
          if (error == EINTR || error == ECONNABORTED) continue;
          if (error == EAGAIN || error == EWOULDBLOCK) break;
          Handshake* oldest = oldest_waiting();
          const bool out_of_resources = error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
          GRAIN_CHECK(out_of_resources && oldest != nullptr, where() << ": accept failed: " << errno_text(error));
          ignore(*oldest, "closed to free resources for new connections (accept: " + errno_text(error) + ")", "");
          break;
        }
        size_t waiting = 0;
        for (const Handshake& h : handshakes) waiting += h.finished ? 0 : 1;
        if (waiting >= kMaxHandshakes) {
          ignore(*oldest_waiting(),
                 "closed to make room: " + std::to_string(kMaxHandshakes) +
                     " connections were in their handshake at once",
                 "");
        }
        Handshake h;
        h.socket = std::move(c);
        h.from = peer_name(address, length);
        h.loopback = is_loopback(address);
        h.deadline = std::min(deadline, Clock::now() + handshake_span);
        handshakes.push_back(std::move(h));
      }
    }
    forget_finished();
  }

  // The whole world is here: the blob to everyone, with rank 0's proof.
  for (int r = 1; r < world_size; ++r) {
    const Joined& peer = peers[static_cast<size_t>(r)];
    const std::vector<unsigned char> reply =
        authenticated_reply(token, peer.hello, peer.nonce, kStatusOk, blob, size);
    const IoResult sent = write_all(peer.socket.fd(), reply.data(), reply.size(), deadline);
    GRAIN_CHECK(sent.status == Io::kDone,
                where() << ": sending the id to rank " << r << " (" << peer.from
                        << "): " << describe(sent, reply.size()));
  }
}

void rendezvous_join(const std::string& master_addr, int port, int rank, int world_size, void* blob, size_t size,
                     double timeout_s, const RendezvousOptions& options) {
  const std::string at = endpoint(master_addr, port);
  GRAIN_CHECK(rank >= 1 && rank < world_size,
              "rendezvous at " << at << ": rank " << rank << " cannot join a world of " << world_size
                               << " (peers are ranks 1.." << world_size - 1 << ")");
  GRAIN_CHECK(port >= 1 && port <= 65535, "rendezvous at " << at << ": rank " << rank << ": port " << port
                                                           << " is outside [1, 65535]");
  const Clock::time_point deadline = deadline_after(timeout_s);
  const std::string who = "rendezvous at " + at + ": rank " + std::to_string(rank) + " of " +
                          std::to_string(world_size);
  const std::string& token = options.token;

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
  random_bytes(hello + 20, kNonceBytes);
  const IoResult sent = write_all(s.fd(), hello, sizeof(hello), deadline);
  GRAIN_CHECK(sent.status == Io::kDone, who << ": sending its hello: " << describe(sent, sizeof(hello)));

  // A message header of rank 0; `waiting_for` names it in a timeout.
  const auto read_header = [&](const char* waiting_for, uint32_t& status, uint32_t& length) {
    unsigned char header[kHeaderBytes];
    const IoResult got = read_exact(s.fd(), header, sizeof(header), deadline);
    GRAIN_CHECK(got.status != Io::kTimeout, who << ": timed out after " << timeout_s << " s waiting for "
                                                << waiting_for);
    GRAIN_CHECK(got.status == Io::kDone, who << ": the reply of rank 0: " << describe(got, sizeof(header))
                                             << " (rank 0's rendezvous failed; its message names the cause)");
    GRAIN_CHECK(get_u32(header) == kRendezvousMagic,
                who << ": the process at " << at << " is not a grain rendezvous (reply magic 0x" << std::hex
                    << get_u32(header) << std::dec
                    << "); under torchrun set GRAIN_RENDEZVOUS_PORT to a free port");
    status = get_u32(header + 4);
    length = get_u32(header + 8);
  };
  // The text of a message from the other side (at most kMaxReason bytes).
  const auto read_text = [&](uint32_t length) {
    std::string text(std::min(length, kMaxReason), '\0');
    const IoResult got =
        read_exact(s.fd(), text.data(), text.size(), std::max(deadline, Clock::now() + std::chrono::seconds(1)));
    text.resize(got.bytes);
    return text;
  };
  // A rejection carries no proof: whatever answered at the address may have sent it.
  const auto throw_rejected = [&](uint32_t length) {
    GRAIN_THROW(who << ": rejected by the process at " << at << " (unauthenticated): " << printable(read_text(length)));
  };

  uint32_t status = 0, length = 0;
  read_header("rank 0's challenge (is the process at this address rank 0 of this job?)", status, length);
  // A refusal here comes from a rank 0 of protocol version 1, which has no challenge.
  if (status == kStatusRejected || status == kStatusRefused) throw_rejected(length);
  GRAIN_CHECK(status == kStatusChallenge, who << ": rank 0 answered the hello with unknown status " << status);
  GRAIN_CHECK(length == kNonceBytes, who << ": rank 0's challenge has " << length << " bytes, not " << kNonceBytes);
  unsigned char nonce[kNonceBytes];
  const IoResult challenge = read_exact(s.fd(), nonce, sizeof(nonce), deadline);
  GRAIN_CHECK(challenge.status == Io::kDone, who << ": receiving rank 0's challenge: "
                                                 << describe(challenge, sizeof(nonce)));

  const Digest proof = peer_proof(token, hello, nonce);
  const IoResult proven = write_all(s.fd(), proof.data(), proof.size(), deadline);
  GRAIN_CHECK(proven.status == Io::kDone, who << ": sending its proof of the token: "
                                              << describe(proven, proof.size()));

  read_header("rank 0 to send the id (rank 0 sends it once every rank has connected)", status, length);
  if (status == kStatusRejected) throw_rejected(length);
  GRAIN_CHECK(status == kStatusOk || status == kStatusRefused,
              who << ": rank 0 answered with unknown status " << status);
  GRAIN_CHECK(length >= kMacBytes && length - kMacBytes <= std::max<size_t>(size, kMaxReason),
              who << ": rank 0's reply of " << length << " bytes is malformed");
  const size_t payload_size = length - kMacBytes;
  GRAIN_CHECK(status == kStatusRefused || payload_size == size,
              who << ": rank 0 sends " << payload_size << " bytes, this rank expects " << size);
  std::vector<unsigned char> body(length);
  const IoResult got = read_exact(s.fd(), body.data(), body.size(),
                                  status == kStatusRefused ? std::max(deadline, Clock::now() + std::chrono::seconds(1))
                                                           : deadline);
  GRAIN_CHECK(got.status == Io::kDone, who << ": receiving " << (status == kStatusOk ? "the id" : "rank 0's refusal")
                                           << ": " << describe(got, body.size()));
  unsigned char header[kHeaderBytes];
  put_u32(header, kRendezvousMagic);
  put_u32(header + 4, status);
  put_u32(header + 8, length);
  const Digest expected = reply_proof(token, hello, nonce, header, body.data() + kMacBytes, payload_size);
  GRAIN_CHECK(digests_equal(expected.data(), body.data(), kMacBytes),
              who << ": the reply from " << at << " does not prove the token: the process there does not hold this "
                  << "rank's GRAIN_RENDEZVOUS_TOKEN (it must be the same on every process)");
  if (status == kStatusRefused) {
    GRAIN_THROW(who << ": refused by rank 0: "
                    << printable(std::string(body.begin() + kMacBytes, body.end())));
  }
  std::memcpy(blob, body.data() + kMacBytes, size);
}

void rendezvous_exchange(const std::string& master_addr, int port, int rank, int world_size, void* blob, size_t size,
                         double timeout_s, const RendezvousOptions& options) {
  if (world_size == 1) return;
  if (rank == 0) {
    RendezvousServer server(master_addr, port, options);
    server.serve(blob, size, world_size, timeout_s);
  } else {
    rendezvous_join(master_addr, port, rank, world_size, blob, size, timeout_s, options);
  }
}

}  // namespace grain::distributed
