// defines: grain::RunLock — one writer per run folder
//
// An exclusive advisory lock (flock) on RUN/.lock, held for the life of the
// object: a second trainer on the same run folder is refused at start with a
// message naming the process that holds it. The kernel drops the lock when
// the process dies, so a killed run never leaves a stale lock behind.
#pragma once

#include <filesystem>

namespace grain {

class RunLock {
 public:
  explicit RunLock(const std::filesystem::path& run_dir);  // throws when another process holds it
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace grain
