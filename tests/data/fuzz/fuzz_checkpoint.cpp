// libFuzzer target: the checkpoint folder readers (data/formats/checkpoint_folder.h)
// on arbitrary bytes. The first byte picks what the rest is:
//   0  manifest.json of a checkpoint folder holding two files (verify_checkpoint,
//      read_checkpoint: a folder that verifies must read back exactly the
//      listed files with their listed sizes)
//   1  the run folder's `latest` pointer (find_latest_valid over ckpt-1 and
//      ckpt-2: whatever it says, the pick is one of the two, or none)
//   2  the checkpoint name a best.json holds (checkpoint_in_run: an accepted
//      name resolves strictly inside the run folder)
// Any DataError is an expected outcome; a crash, sanitizer report, hang or
// broken promise (abort) is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/common/path_inside.h"
#include "data/formats/checkpoint_folder.h"
#include "kernels/sha256.h"

namespace {

namespace fs = std::filesystem;
using grain::formats::CheckpointFiles;

// Writes an input in place. Not write_file_atomic: its fsync per input made
// this target run at ~150 inputs/s; the readers see the same bytes.
void put(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

const CheckpointFiles kFiles = {{"model.safetensors", "weights"}, {"state.json", "{\"step\": 1}"}};

// A run folder per process with checkpoints 1 and 2 (written once), and a
// scratch checkpoint folder whose manifest each input replaces.
const fs::path& run_dir() {
  static const fs::path dir = [] {
    const fs::path d = "/tmp/grain_fuzz_checkpoint_" + std::to_string(::getpid());
    fs::remove_all(d);
    grain::formats::write_checkpoint(d / "run", 1, kFiles);
    grain::formats::write_checkpoint(d / "run", 2, kFiles);
    fs::create_directories(d / "scratch" / "ckpt-1");
    for (const auto& [name, bytes] : kFiles) grain::data::write_file_atomic(d / "scratch" / "ckpt-1" / name, bytes);
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const fs::path& dir = run_dir();
  try {
    switch (data[0] % 3) {
      case 0: {
        const fs::path checkpoint = dir / "scratch" / "ckpt-1";
        put(checkpoint / "manifest.json", text);
        const bool valid = !grain::formats::verify_checkpoint(checkpoint);
        CheckpointFiles files;
        try {
          files = grain::formats::read_checkpoint(checkpoint);
        } catch (const grain::data::DataError&) {
          if (valid) std::abort();  // verify and read disagree
          return 0;
        }
        if (!valid) std::abort();
        for (const auto& [name, bytes] : files) {
          const auto it = kFiles.find(name);
          if (it == kFiles.end() || it->second != bytes) std::abort();
        }
        return 0;
      }
      case 1: {
        put(dir / "run" / grain::formats::kLatestPointer, text);
        const auto latest = grain::formats::find_latest_valid(dir / "run");
        if (latest.checkpoint && latest.checkpoint->step != 1 && latest.checkpoint->step != 2) std::abort();
        return 0;
      }
      default: {
        const fs::path folder = grain::formats::checkpoint_in_run(dir / "run", text, "best.json");
        if (!grain::data::lies_inside(grain::data::resolve_folder(folder), grain::data::resolve_folder(dir / "run")))
          std::abort();
        return 0;
      }
    }
  } catch (const grain::data::DataError&) {
  }
  return 0;
}
