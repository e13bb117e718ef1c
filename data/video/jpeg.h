// JPEG encode/decode of RGB images through libjpeg-turbo.
// Design: libjpeg-turbo rather than stb_image because JPEG frame folders are
// untrusted input: libjpeg reports errors through a handler (turned into a
// DataError naming the file), and here its corrupt-data *warnings* (e.g.
// "Premature end of JPEG file", where it would silently fill grey) are errors too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace grain::data {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // (height, width, 3), row-major
};

// Encodes (height, width, 3) RGB to baseline JPEG with 4:2:0 chroma; quality in [1, 100].
std::vector<uint8_t> encode_jpeg(const uint8_t* rgb, int width, int height, int quality);

// Encodes and writes atomically (path.tmp then rename); throws DataError naming the path.
void write_jpeg_file(const std::filesystem::path& path, const uint8_t* rgb, int width, int height,
                     int quality);

// Decodes a JPEG (grey or colour) to RGB. `name` appears in error messages.
// Throws DataError for corrupt, truncated or oversized (> 16384 px a side) input.
RgbImage decode_jpeg(const uint8_t* data, size_t size, const std::string& name);
RgbImage decode_jpeg_file(const std::filesystem::path& path);

}  // namespace grain::data
