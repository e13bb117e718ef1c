// The torchrun-style rendezvous (engine/distributed/rendezvous.h) over
// localhost, with one thread per rank: rank 0 on a port the system chooses,
// a known 128-byte blob (the size of an ncclUniqueId) that every peer must
// receive byte for byte, and each failure the protocol names: a wrong world
// size, a duplicate rank, a missing rank, a missing rank 0, a short hello.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "engine/distributed/rendezvous.h"
#include "engine/error.h"

using namespace grain;
using namespace grain::distributed;

namespace {

constexpr size_t kIdBytes = 128;

std::vector<unsigned char> known_blob() {
  std::vector<unsigned char> blob(kIdBytes);
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<unsigned char>((i * 37 + 11) & 0xff);
  return blob;
}

// One peer in a thread: what it received, or the message of its error.
struct Peer {
  std::vector<unsigned char> received = std::vector<unsigned char>(kIdBytes, 0);
  std::string error;
  std::thread thread;

  void start(const std::string& host, int port, int rank, int world_size, double timeout_s) {
    thread = std::thread([this, host, port, rank, world_size, timeout_s] {
      try {
        rendezvous_join(host, port, rank, world_size, received.data(), received.size(), timeout_s);
      } catch (const Error& e) {
        error = e.what();
      }
    });
  }
};

std::string serve_error(RendezvousServer& server, const std::vector<unsigned char>& blob, int world_size,
                        double timeout_s) {
  try {
    server.serve(blob.data(), blob.size(), world_size, timeout_s);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A port nobody listens on now (the system's choice, released again).
int free_port() {
  RendezvousServer probe("localhost", 0);
  return probe.port();
}

bool ipv6_loopback_available() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

TEST_CASE("the rendezvous hands rank 0's 128 bytes to every rank of a world of 3 over localhost",
          "[distributed][rendezvous]") {
  const std::vector<unsigned char> blob = known_blob();
  RendezvousServer server("localhost", 0);
  REQUIRE(server.port() > 0);
  // IPv4 by number and by name; the IPv6 loopback too where the host has it
  // (rank 0's one dual-stack socket serves both).
  const bool v6 = ipv6_loopback_available();
  if (!v6) WARN("no IPv6 loopback here: the IPv6 peer is not checked");
  const int world = v6 ? 4 : 3;
  std::vector<Peer> peers(static_cast<size_t>(world));
  peers[1].start("127.0.0.1", server.port(), 1, world, 10);
  peers[2].start("localhost", server.port(), 2, world, 10);
  if (v6) peers[3].start("::1", server.port(), 3, world, 10);
  const std::string error = serve_error(server, blob, world, 10);
  for (int r = 1; r < world; ++r) peers[static_cast<size_t>(r)].thread.join();
  CHECK(error.empty());
  for (int r = 1; r < world; ++r) {
    INFO("rank " << r);
    CHECK(peers[static_cast<size_t>(r)].error.empty());
    CHECK(peers[static_cast<size_t>(r)].received == blob);
  }
}

TEST_CASE("peers that start before rank 0 keep trying until it listens", "[distributed][rendezvous]") {
  const std::vector<unsigned char> blob = known_blob();
  const int port = free_port();
  std::vector<Peer> peers(3);
  peers[1].start("127.0.0.1", port, 1, 3, 10);
  peers[2].start("127.0.0.1", port, 2, 3, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // several refused attempts
  std::vector<unsigned char> sent = blob;
  std::string error;
  try {
    rendezvous_exchange("127.0.0.1", port, 0, 3, sent.data(), sent.size(), 10);
  } catch (const Error& e) {
    error = e.what();
  }
  peers[1].thread.join();
  peers[2].thread.join();
  CHECK(error.empty());
  CHECK(peers[1].error.empty());
  CHECK(peers[2].error.empty());
  CHECK(peers[1].received == blob);
  CHECK(peers[2].received == blob);
  CHECK(sent == blob);  // rank 0's blob is left as it was
}

TEST_CASE("a peer with another world size is refused, and says so", "[distributed][rendezvous]") {
  const std::vector<unsigned char> blob = known_blob();
  RendezvousServer server("localhost", 0);
  Peer wrong;
  wrong.start("127.0.0.1", server.port(), 1, 2, 5);  // WORLD_SIZE=2 against rank 0's 3
  const std::string error = serve_error(server, blob, 3, 5);
  wrong.thread.join();
  CHECK_THAT(error, Catch::Contains("refused") && Catch::Contains("has world size 2 but rank 0 has 3"));
  CHECK_THAT(error, Catch::Contains("rendezvous at localhost:" + std::to_string(server.port())));
  CHECK_THAT(wrong.error, Catch::Contains("rank 1 of 2: refused by rank 0") &&
                              Catch::Contains("world size 2 but rank 0 has 3") &&
                              Catch::Contains("WORLD_SIZE must be the same on every process"));
  CHECK(wrong.received == std::vector<unsigned char>(kIdBytes, 0));
}

TEST_CASE("a rank that connects twice is refused, and the rendezvous fails", "[distributed][rendezvous]") {
  const std::vector<unsigned char> blob = known_blob();
  RendezvousServer server("localhost", 0);
  Peer first, second;
  first.start("127.0.0.1", server.port(), 1, 3, 5);
  second.start("127.0.0.1", server.port(), 1, 3, 5);
  const std::string error = serve_error(server, blob, 3, 5);
  first.thread.join();
  second.thread.join();
  CHECK_THAT(error, Catch::Contains("rank 1 connected twice"));
  // Whichever came second is refused; the other waited for the blob, and rank 0 closed instead.
  const bool first_refused = first.error.find("refused by rank 0") != std::string::npos;
  const Peer& refused = first_refused ? first : second;
  const Peer& waited = first_refused ? second : first;
  CHECK_THAT(refused.error, Catch::Contains("rank 1 of 3: refused by rank 0: rank 1 connected twice") &&
                                Catch::Contains("RANK must be distinct"));
  CHECK_THAT(waited.error, Catch::Contains("short read") && Catch::Contains("rank 0's rendezvous failed"));
  CHECK(first.received == std::vector<unsigned char>(kIdBytes, 0));
  CHECK(second.received == std::vector<unsigned char>(kIdBytes, 0));
}

TEST_CASE("without rank 0 a peer gives up at its deadline, naming the address", "[distributed][rendezvous]") {
  const int port = free_port();
  std::vector<unsigned char> received(kIdBytes, 0);
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  try {
    rendezvous_join("127.0.0.1", port, 1, 2, received.data(), received.size(), 0.5);
  } catch (const Error& e) {
    error = e.what();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK_THAT(error, Catch::Contains("rendezvous at 127.0.0.1:" + std::to_string(port) + ": rank 1 of 2") &&
                        Catch::Contains("timed out after 0.5 s connecting to rank 0") &&
                        Catch::Contains("Connection refused"));
  CHECK(seconds >= 0.45);
  CHECK(seconds < 3.0);
}

TEST_CASE("rank 0 gives up at its deadline naming the ranks that never came", "[distributed][rendezvous]") {
  const std::vector<unsigned char> blob = known_blob();
  RendezvousServer server("node0", 0);
  Peer one;
  one.start("127.0.0.1", server.port(), 1, 4, 5);
  const std::string error = serve_error(server, blob, 4, 2.0);
  one.thread.join();
  CHECK_THAT(error, Catch::Contains("rendezvous at node0:" + std::to_string(server.port()) + " (rank 0)") &&
                        Catch::Contains("timed out after 2 s with 1 of 3 ranks connected; missing ranks 2, 3"));
  CHECK_THAT(one.error, Catch::Contains("short read"));
}

TEST_CASE("a connection that sends half a hello fails rank 0's rendezvous as a short read",
          "[distributed][rendezvous]") {
  const std::vector<unsigned char> blob = known_blob();
  RendezvousServer server("localhost", 0);
  std::thread stray([port = server.port()] {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
      const char half[7] = {'G', 'R', 'D', 'V', 0, 0, 0};
      (void)::send(fd, half, sizeof(half), MSG_NOSIGNAL);
    }
    ::close(fd);
  });
  const std::string error = serve_error(server, blob, 2, 5);
  stray.join();
  CHECK_THAT(error, Catch::Contains("short read: the connection closed after 7 of 20 bytes"));
}

TEST_CASE("the rendezvous checks its arguments", "[distributed][rendezvous]") {
  std::vector<unsigned char> blob(kIdBytes, 0);
  CHECK_THROWS_WITH(rendezvous_join("h", 29500, 0, 2, blob.data(), blob.size(), 1),
                    Catch::Contains("rank 0 cannot join a world of 2"));
  CHECK_THROWS_WITH(rendezvous_join("h", 29500, 2, 2, blob.data(), blob.size(), 1),
                    Catch::Contains("rank 2 cannot join a world of 2"));
  CHECK_THROWS_WITH(rendezvous_join("h", 29500, 1, 2, blob.data(), blob.size(), 0),
                    Catch::Contains("the timeout must be positive"));
  // A world of one has nobody to talk to: no socket at all.
  rendezvous_exchange("nowhere.invalid", 1, 0, 1, blob.data(), blob.size(), 1);
}
