// defines: RunLock (see run_lock.h)
#include "train/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "engine/error.h"

namespace grain {

RunLock::RunLock(const std::filesystem::path& run_dir, const char* tool) {
  const std::filesystem::path path = run_dir / ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  GRAIN_CHECK(fd_ >= 0, tool << ": cannot open " << path.string() << ": " << std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {0};
    const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    ::close(fd_);
    fd_ = -1;
    GRAIN_THROW("folder " << run_dir.string() << " is in use by another " << tool
                          << (n > 0 ? " (process " + std::string(holder, static_cast<size_t>(n)) + ")" : "")
                          << "; one writer per folder: wait for it, or pass --out to start another run");
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace grain
