// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) in software, and the
// masked form that TFRecord / TensorBoard event files store.
// Design: a byte-at-a-time table is enough here (event records are tens of
// bytes); slicing-by-8 or SSE4.2 would only matter for bulk data, which the
// checkpoint manifest checksums with SHA-256 instead.
#pragma once

#include <cstdint>
#include <string_view>

namespace grain::formats {

// CRC32C of bytes, continuing from a previous crc (0 for a fresh one).
// Known value: crc32c("123456789") = 0xE3069283.
uint32_t crc32c(std::string_view bytes, uint32_t crc = 0);

// TFRecord's mask, so that a CRC of data that itself holds CRCs is not
// trivially zero: ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32).
uint32_t mask_crc32c(uint32_t crc);

// crc32c then mask: the value stored after a record's length and its data.
inline uint32_t masked_crc32c(std::string_view bytes) { return mask_crc32c(crc32c(bytes)); }

}  // namespace grain::formats
