// defines: grain::RunLock — one writer per run or output folder
//
// An exclusive advisory lock (flock) on DIR/.lock, held for the life of the
// object: a second writer of the same folder (a trainer's run folder, the
// output folder of reproduce or transfer) is refused at start with a message
// naming the process that holds it. The kernel drops the lock when
// the process dies, so a killed run never leaves a stale lock behind.
#pragma once

#include <filesystem>

namespace grain {

class RunLock {
 public:
  // Throws when another process holds it; `tool` names the kind of writer in
  // the message ("trainer", "reproduce", "transfer").
  explicit RunLock(const std::filesystem::path& run_dir, const char* tool = "trainer");
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace grain
