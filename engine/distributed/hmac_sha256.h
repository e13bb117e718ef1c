// defines: grain::distributed::Sha256, HmacSha256, Digest, digests_equal
//
// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for the rendezvous's
// proof of a shared token (rendezvous.h): a few hundred bytes per process at
// start-up, so a plain portable implementation, with no library to find.
// Checked against the FIPS and RFC 4231 test vectors
// (tests/distributed/test_hmac_sha256.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace grain::distributed {

using Digest = std::array<unsigned char, 32>;

/// Incremental SHA-256: update() any number of times, then finish() once.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  Digest finish();

 private:
  void compress(const unsigned char* block);

  std::array<uint32_t, 8> state_;
  std::array<unsigned char, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

/// Incremental HMAC-SHA256 with a key of any length (an empty key too).
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  void update(const void* data, size_t size) { inner_.update(data, size); }
  void update(std::string_view text) { inner_.update(text); }
  Digest finish();

 private:
  Sha256 inner_;
  std::array<unsigned char, 64> outer_pad_{};
};

/// a == b in a time that does not depend on where they differ (for MACs).
bool digests_equal(const unsigned char* a, const unsigned char* b, size_t size);

}  // namespace grain::distributed
