// defines: HmacSha256, digests_equal (see hmac_sha256.h)
#include "engine/distributed/hmac_sha256.h"

#include <algorithm>
#include <cstring>

namespace grain::distributed {

namespace {
constexpr size_t kBlock = 64;  // SHA-256's block size
}  // namespace

HmacSha256::HmacSha256(std::string_view key) {
  // Keys longer than a block are hashed first (RFC 2104).
  std::array<unsigned char, kBlock> block{};
  if (key.size() > kBlock) {
    kernels::Sha256 hashed;
    hashed.update(key);
    const Digest d = hashed.digest();
    std::memcpy(block.data(), d.data(), d.size());
  } else {
    std::memcpy(block.data(), key.data(), key.size());
  }
  std::array<unsigned char, kBlock> inner_pad;
  for (size_t i = 0; i < kBlock; ++i) {
    inner_pad[i] = block[i] ^ 0x36;
    outer_pad_[i] = block[i] ^ 0x5c;
  }
  inner_.update(inner_pad.data(), inner_pad.size());
}

Digest HmacSha256::finish() {
  const Digest inner = inner_.digest();
  kernels::Sha256 outer;
  outer.update(outer_pad_.data(), outer_pad_.size());
  outer.update(inner.data(), inner.size());
  return outer.digest();
}

bool digests_equal(const unsigned char* a, const unsigned char* b, size_t size) {
  // Every byte is looked at whatever the earlier ones were; volatile keeps
  // the compiler from turning the loop into an early exit.
  volatile unsigned char difference = 0;
  for (size_t i = 0; i < size; ++i) difference = static_cast<unsigned char>(difference | (a[i] ^ b[i]));
  return difference == 0;
}

}  // namespace grain::distributed
