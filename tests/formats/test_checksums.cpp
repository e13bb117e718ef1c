// CRC32C and SHA-256 against published known values and against the
// reference implementations' outputs in tests/fixtures/formats/checksums.json
// (tensorboard's crc32c, Python's hashlib), at lengths around SHA-256's
// 64-byte block and padding boundaries.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "data/formats/crc32c.h"
#include "kernels/sha256.h"
#include "tests/formats/temp_folder.h"

using namespace grain::formats;
using grain::kernels::Sha256;
using grain::kernels::sha256_hex;
using grain::formats::testing::fixture;
using grain::formats::testing::slurp;

namespace {

std::string pattern(size_t n) {  // the same bytes as make_fixtures.py's pattern()
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + 3) % 256);
  return s;
}

std::string input_named(const std::string& name) {
  if (name == "empty") return "";
  if (name == "123456789" || name == "a") return name;
  REQUIRE(name.rfind("pattern", 0) == 0);
  return pattern(std::stoul(name.substr(7)));
}

}  // namespace

TEST_CASE("crc32c: the Castagnoli check value", "[formats][crc32c]") {
  CHECK(crc32c("123456789") == 0xE3069283u);
  CHECK(crc32c("") == 0u);
}

TEST_CASE("crc32c: continuing a CRC equals the CRC of the concatenation", "[formats][crc32c]") {
  const std::string data = pattern(1000);
  CHECK(crc32c(data.substr(300), crc32c(data.substr(0, 300))) == crc32c(data));
}

TEST_CASE("sha256: FIPS 180-4 examples", "[formats][sha256]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: incremental updates in odd pieces equal one update", "[formats][sha256]") {
  const std::string data = pattern(1000);
  Sha256 hash;
  for (size_t at = 0, piece = 1; at < data.size(); at += piece, piece = piece * 3 % 97 + 1)
    hash.update(std::string_view(data).substr(at, piece));
  const auto digest = hash.digest();
  Sha256 whole;
  whole.update(data);
  CHECK(digest == whole.digest());
}

TEST_CASE("checksums agree with tensorboard's crc32c and hashlib's sha256", "[formats][crc32c][sha256]") {
  const auto expected = nlohmann::json::parse(slurp(fixture("checksums.json")));
  REQUIRE(expected.size() >= 10);
  for (const auto& [name, values] : expected.items()) {
    INFO("input " << name);
    const std::string data = input_named(name);
    REQUIRE(data.size() == values["size"].get<size_t>());
    CHECK(crc32c(data) == values["crc32c"].get<uint32_t>());
    CHECK(masked_crc32c(data) == values["masked_crc32c"].get<uint32_t>());
    CHECK(sha256_hex(data) == values["sha256"].get<std::string>());
  }
}
