// The atomic checkpoint folder protocol (docs/checkpoints.md,
// docs/spec/data-formats.md "Checkpoints").
//   RUN/ckpt-<step>/{model.safetensors, optimizer.safetensors, state.json, ..., manifest.json}
//   RUN/latest          one line: "ckpt-<step>"
// Design: a checkpoint is committed in two atomic renames. Its files are
// written into RUN/.tmp-ckpt-<step>/ and each fsynced, then manifest.json
// (size and SHA-256 of every file) is written and fsynced, the folder is
// fsynced, renamed to ckpt-<step> and RUN fsynced; then `latest` is replaced
// the same way (latest.tmp, fsync, rename, fsync RUN). Replacing `latest` is
// the commit point: a crash before it leaves the previous checkpoint as the
// one to resume from, a crash after it the new one. A reader never trusts a
// folder it has not verified against its manifest; when the checkpoint
// `latest` names is missing, truncated or corrupt, find_latest_valid falls
// back to the newest older one that verifies, and says so in its messages.
// The file contents are opaque bytes here: no dependency on the engine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace grain::formats {

// File name (no folders) -> file bytes.
using CheckpointFiles = std::map<std::string, std::string>;

inline constexpr char kCheckpointManifest[] = "manifest.json";
inline constexpr char kLatestPointer[] = "latest";

struct CheckpointWriteOptions {
  // Fault injection for tests: called after each durable step of the
  // protocol with the step's name ("temp folder created", "file written:
  // model.safetensors", "manifest written", "temp folder synced", "renamed
  // into place", "run folder synced", "latest.tmp written", "latest
  // renamed", "done"). Throwing from it simulates a crash at that moment:
  // nothing is cleaned up, as after a real crash.
  std::function<void(std::string_view stage)> after_stage;
};

// Writes run_dir/ckpt-<step>/ with `files` plus manifest.json and points
// run_dir/latest at it, following the protocol above; creates run_dir if
// needed and replaces an existing ckpt-<step>. Returns the checkpoint folder.
// Throws DataError naming the path on any I/O failure, or for a file name
// that is empty, has a '/', starts with '.', or is "manifest.json".
std::filesystem::path write_checkpoint(const std::filesystem::path& run_dir, int64_t step,
                                       const CheckpointFiles& files, const CheckpointWriteOptions& options = {});

// Checks a checkpoint folder against its manifest: every listed file present
// with the listed size and SHA-256. Returns nullopt when valid, else the
// reason (naming the file), e.g. "model.safetensors: size 100, manifest says 4096".
std::optional<std::string> verify_checkpoint(const std::filesystem::path& checkpoint_dir);

// Reads every file of the manifest, verifying sizes and checksums; throws
// DataError naming the folder and the file when the checkpoint is invalid.
CheckpointFiles read_checkpoint(const std::filesystem::path& checkpoint_dir);

struct CheckpointRef {
  int64_t step;
  std::filesystem::path path;
};

// The committed-looking checkpoint folders of run_dir (names "ckpt-<step>"),
// sorted by increasing step; not verified. Empty when run_dir does not exist.
std::vector<CheckpointRef> list_checkpoints(const std::filesystem::path& run_dir);

struct LatestCheckpoint {
  std::optional<CheckpointRef> checkpoint;  // nullopt: no valid checkpoint
  std::vector<std::string> messages;        // why checkpoints were skipped, for the caller's log
};

// The checkpoint to resume from: the one `latest` names when it verifies;
// otherwise the newest verified checkpoint with a smaller step (or, when
// `latest` is missing or unreadable, the newest verified one), with one
// message per skipped checkpoint saying why.
LatestCheckpoint find_latest_valid(const std::filesystem::path& run_dir);

// The checkpoint folder that a file of run_dir names (best.json's
// "checkpoint"): run_dir / name, where `name` is a plain "ckpt-<step>" or
// another relative path that, symbolic links followed, resolves strictly
// inside run_dir (itself resolved, so a run folder may be a link to another
// disk). Anything else (empty, absolute, control characters, "../x", a link
// out of the run folder) is a DataError naming `source` (the file) and the
// name, so a run folder cannot make a reader open files outside it. Whether
// the folder is a valid checkpoint is verify_checkpoint's business.
std::filesystem::path checkpoint_in_run(const std::filesystem::path& run_dir, std::string_view name,
                                        const std::string& source);

// Keeps the `keep_last` checkpoints with the largest steps, the one
// find_latest_valid picks (always), and the steps in `protect` (e.g. the
// best one); deletes the other ckpt-<step> folders and leftover temporary
// folders of interrupted writes. Returns the deleted paths. A folder is
// renamed away before it is deleted, so a crash mid-delete leaves no
// half-deleted ckpt-<step>. Assumes one writer per run folder.
std::vector<std::filesystem::path> prune_checkpoints(const std::filesystem::path& run_dir, size_t keep_last,
                                                     const std::set<int64_t>& protect = {});

}  // namespace grain::formats
