// defines: grain::distributed::HmacSha256, Digest, digests_equal
//
// HMAC-SHA256 (RFC 2104) over the project's SHA-256 (kernels/sha256.h), for
// the rendezvous's proof of a shared token (rendezvous.h): a few hundred
// bytes per process at start-up, with no library to find.
// Checked against the FIPS and RFC 4231 test vectors
// (tests/distributed/test_hmac_sha256.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernels/sha256.h"

namespace grain::distributed {

using Digest = std::array<unsigned char, 32>;

/// Incremental HMAC-SHA256 with a key of any length (an empty key too).
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  void update(const void* data, size_t size) { inner_.update(data, size); }
  void update(std::string_view text) { inner_.update(text); }
  Digest finish();

 private:
  kernels::Sha256 inner_;
  std::array<unsigned char, 64> outer_pad_{};
};

/// a == b in a time that does not depend on where they differ (for MACs).
bool digests_equal(const unsigned char* a, const unsigned char* b, size_t size);

}  // namespace grain::distributed
