// SHA-256 and HMAC-SHA256 of engine/distributed/hmac_sha256.h against
// published vectors: FIPS 180-2 appendix B ("abc", the 448-bit message, a
// million 'a'), the empty message, messages at the padding boundaries (55,
// 56 and 64 bytes; digests from Python's hashlib), RFC 4231 test cases 1, 2
// and 6 (a key longer than a block); fed whole and byte by byte. And the
// constant-time comparison.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "engine/distributed/hmac_sha256.h"

using namespace grain::distributed;

namespace {

std::string hex(const Digest& d) {
  std::string out;
  char pair[3];
  for (const unsigned char byte : d) {
    std::snprintf(pair, sizeof(pair), "%02x", byte);
    out += pair;
  }
  return out;
}

std::string sha256_hex(const std::string& message) {
  grain::kernels::Sha256 h;
  h.update(message);
  return hex(h.digest());
}

// The same message, one byte per update: the buffering across blocks.
std::string sha256_hex_bytewise(const std::string& message) {
  grain::kernels::Sha256 h;
  for (const char c : message) h.update(&c, 1);
  return hex(h.digest());
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  HmacSha256 h(key);
  h.update(message);
  return hex(h.finish());
}

}  // namespace

TEST_CASE("SHA-256 gives the FIPS 180-2 digests", "[distributed][sha256]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(sha256_hex(two_blocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex_bytewise(two_blocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Where the length no longer fits the last block (55 fits, 56 does not) and a whole block.
  CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex_bytewise(std::string(64, 'a')) ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST_CASE("HMAC-SHA256 gives the RFC 4231 values", "[distributed][sha256]") {
  CHECK(hmac_hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hmac_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hmac_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // The empty key of a rendezvous without a token (value from Python's hmac).
  CHECK(hmac_hex("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("digests_equal tells equal from different at any position", "[distributed][sha256]") {
  Digest a{}, b{};
  for (size_t i = 0; i < a.size(); ++i) a[i] = b[i] = static_cast<unsigned char>(i * 7);
  CHECK(digests_equal(a.data(), b.data(), a.size()));
  for (size_t i = 0; i < a.size(); ++i) {
    Digest c = a;
    c[i] ^= 0x01;
    INFO("byte " << i);
    CHECK_FALSE(digests_equal(a.data(), c.data(), a.size()));
  }
}
