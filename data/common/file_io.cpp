// File helpers: POSIX calls so every return code can be checked and fsynced.
#include "data/common/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "data/common/error.h"

namespace grain::data {
namespace {

template <typename Container>
Container read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path.string() + ": cannot open for reading: " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw DataError(path.string() + ": cannot determine size");
  in.seekg(0, std::ios::beg);
  Container out(static_cast<size_t>(size), 0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(out.data()), size))
    throw DataError(path.string() + ": read failed");
  return out;
}

}  // namespace

std::string read_text_file(const std::filesystem::path& path) { return read_all<std::string>(path); }
std::vector<uint8_t> read_binary_file(const std::filesystem::path& path) {
  return read_all<std::vector<uint8_t>>(path);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw DataError(tmp.string() + ": cannot create: " + std::strerror(errno));
  // A failure (a full disk, say) removes the temporary file: nothing half
  // written is left beside the untouched original.
  auto fail = [&](const std::string& what, int err) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw DataError(tmp.string() + ": " + what + ": " + std::strerror(err));
  };
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      fail("write failed", err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail("fsync failed", err);
  }
  if (::close(fd) != 0) fail("close failed", errno);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw DataError(path.string() + ": rename from .tmp failed: " + ec.message());
  }
}

}  // namespace grain::data
