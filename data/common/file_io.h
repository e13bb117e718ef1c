// Whole-file reads and atomic whole-file writes with DataError on failure.
// Design: annotation and index files are small, so they are read in one go;
// writes go to "<path>.tmp" and are renamed into place so a crash never
// leaves a half-written file under the final name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace grain::data {

// Reads the whole file; throws DataError naming the path when it cannot.
std::string read_text_file(const std::filesystem::path& path);
std::vector<uint8_t> read_binary_file(const std::filesystem::path& path);

// Writes bytes to path.tmp, flushes, fsyncs and renames onto path.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace grain::data
