// Checkpoint folders: POSIX calls so every write, fsync and rename is checked.
#include "data/formats/checkpoint_folder.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/common/json_read.h"
#include "data/common/path_inside.h"
#include "kernels/sha256.h"

namespace grain::formats {

using grain::data::DataError;
using kernels::sha256_hex;
namespace fs = std::filesystem;

namespace {

constexpr char kCheckpointPrefix[] = "ckpt-";
constexpr char kTempPrefix[] = ".tmp-ckpt-";
constexpr char kDeletingPrefix[] = ".deleting-";
constexpr char kManifestFormat[] = "grain-checkpoint";
constexpr int kManifestVersion = 1;

std::string errno_text() { return std::strerror(errno); }

std::string checkpoint_name(int64_t step) { return kCheckpointPrefix + std::to_string(step); }

// Parses "ckpt-<digits>" (no sign, no spaces); nullopt for anything else.
std::optional<int64_t> parse_checkpoint_name(std::string_view name) {
  if (!name.starts_with(kCheckpointPrefix)) return std::nullopt;
  name.remove_prefix(std::strlen(kCheckpointPrefix));
  // Canonical decimal only: "ckpt-010" would name a different folder than ckpt-10.
  if (name.empty() || name.size() > 18 || (name.size() > 1 && name[0] == '0')) return std::nullopt;
  int64_t step = 0;
  for (const char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    step = step * 10 + (c - '0');
  }
  return step;
}

// A file name the manifest may list: a plain name inside the folder.
bool is_plain_file_name(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos &&
         !name.starts_with('.');
}

void write_file_synced(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw DataError(path.string() + ": cannot create: " + errno_text());
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = errno_text();
      ::close(fd);
      throw DataError(path.string() + ": write failed: " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = errno_text();
    ::close(fd);
    throw DataError(path.string() + ": fsync failed: " + why);
  }
  if (::close(fd) != 0) throw DataError(path.string() + ": close failed: " + errno_text());
}

// Makes a folder's entries (created, renamed files) durable.
void sync_folder(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw DataError(dir.string() + ": cannot open folder to fsync: " + errno_text());
  if (::fsync(fd) != 0) {
    const std::string why = errno_text();
    ::close(fd);
    throw DataError(dir.string() + ": fsync of folder failed: " + why);
  }
  ::close(fd);
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw DataError(from.string() + ": rename to " + to.string() + " failed: " + errno_text());
}

// Puts a complete folder `from` in place of the existing folder `to`. An
// atomic exchange where the file system has one, so `to` is never missing;
// `from` then holds the old folder, which the caller deletes.
void replace_folder(const fs::path& from, const fs::path& to) {
#ifdef RENAME_EXCHANGE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) return;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw DataError(from.string() + ": exchange with " + to.string() + " failed: " + errno_text());
#endif
  // No exchange: move the old folder aside first (a crash in between leaves
  // `to` missing; readers then fall back to an older checkpoint).
  const fs::path aside = to.parent_path() / (kDeletingPrefix + to.filename().string());
  std::error_code ec;
  fs::remove_all(aside, ec);
  rename_or_throw(to, aside);
  rename_or_throw(from, to);
  fs::rename(aside, from, ec);  // the caller deletes `from`; a leftover is pruned later
}

struct ManifestEntry {
  std::string name;
  uint64_t size;
  std::string sha256;
};

// Reads and checks manifest.json; returns the entries or sets `why`.
std::optional<std::vector<ManifestEntry>> read_manifest(const fs::path& dir, std::string& why) {
  const fs::path path = dir / kCheckpointManifest;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    why = std::string(kCheckpointManifest) + " is missing";
    return std::nullopt;
  }
  nlohmann::json manifest;
  try {  // a read failure or invalid (or too deeply nested) JSON: "manifest.json: invalid JSON: ..."
    manifest = grain::data::parse_json(grain::data::read_text_file(path), kCheckpointManifest);
  } catch (const DataError& e) {
    why = e.message();
    return std::nullopt;
  }
  auto is = [&](const char* key, auto check) { return manifest.contains(key) && check(manifest[key]); };
  if (!manifest.is_object() ||
      !is("format", [](const nlohmann::json& v) { return v.is_string() && v.get<std::string>() == kManifestFormat; }) ||
      !is("files", [](const nlohmann::json& v) { return v.is_object(); }) ||
      !is("step", [](const nlohmann::json& v) { return v.is_number_integer(); })) {
    why = std::string(kCheckpointManifest) + " is not a grain checkpoint manifest";
    return std::nullopt;
  }
  if (const auto step = parse_checkpoint_name(dir.filename().string());
      step && *step != manifest["step"].get<int64_t>()) {
    why = std::string(kCheckpointManifest) + " is for step " + std::to_string(manifest["step"].get<int64_t>());
    return std::nullopt;
  }
  std::vector<ManifestEntry> entries;
  for (const auto& [name, info] : manifest["files"].items()) {
    if (!is_plain_file_name(name) || name == kCheckpointManifest || !info.is_object() ||
        !info.contains("size") || !info["size"].is_number_unsigned() || !info.contains("sha256") ||
        !info["sha256"].is_string()) {
      why = std::string(kCheckpointManifest) + ": bad entry for '" + name + "'";
      return std::nullopt;
    }
    entries.push_back({name, info["size"].get<uint64_t>(), info["sha256"].get<std::string>()});
  }
  return entries;
}

// Verifies the folder; keeps the files' bytes in `out` when given.
std::optional<std::string> load_verified(const fs::path& dir, CheckpointFiles* out) {
  std::string why;
  const auto entries = read_manifest(dir, why);
  if (!entries) return why;
  for (const auto& entry : *entries) {
    const fs::path path = dir / entry.name;
    std::error_code ec;
    // Size first: a truncated file is found without reading it.
    const uintmax_t size = fs::file_size(path, ec);
    if (ec) return entry.name + ": missing (" + ec.message() + ")";
    if (size != entry.size)
      return entry.name + ": size " + std::to_string(size) + ", manifest says " + std::to_string(entry.size);
    std::string bytes;
    try {
      bytes = grain::data::read_text_file(path);
    } catch (const DataError& e) {
      return entry.name + ": " + e.message();
    }
    if (bytes.size() != entry.size)
      return entry.name + ": read " + std::to_string(bytes.size()) + " bytes, manifest says " +
             std::to_string(entry.size);
    if (sha256_hex(bytes) != entry.sha256) return entry.name + ": SHA-256 does not match the manifest";
    if (out) (*out)[entry.name] = std::move(bytes);
  }
  return std::nullopt;
}

}  // namespace

fs::path write_checkpoint(const fs::path& run_dir, int64_t step, const CheckpointFiles& files,
                          const CheckpointWriteOptions& options) {
  auto stage = [&](std::string_view name) {
    if (options.after_stage) options.after_stage(name);
  };
  if (step < 0) throw DataError(run_dir.string() + ": checkpoint step must be >= 0, got " + std::to_string(step));
  for (const auto& [name, bytes] : files)
    if (!is_plain_file_name(name) || name == kCheckpointManifest)
      throw DataError(run_dir.string() + ": checkpoint file name '" + name +
                      "' must be a plain name (no '/', not starting with '.', not manifest.json)");

  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) throw DataError(run_dir.string() + ": cannot create run folder: " + ec.message());
  const fs::path temp = run_dir / (kTempPrefix + std::to_string(step));
  const fs::path final_dir = run_dir / checkpoint_name(step);
  fs::remove_all(temp, ec);  // left by an interrupted write of the same step
  if (!fs::create_directory(temp, ec) || ec)
    throw DataError(temp.string() + ": cannot create temporary checkpoint folder: " + ec.message());
  stage("temp folder created");

  nlohmann::ordered_json manifest = {{"format", kManifestFormat}, {"version", kManifestVersion}, {"step", step}};
  manifest["files"] = nlohmann::ordered_json::object();
  try {
    for (const auto& [name, bytes] : files) {
      write_file_synced(temp / name, bytes);
      manifest["files"][name] = {{"size", bytes.size()}, {"sha256", sha256_hex(bytes)}};
      stage("file written: " + name);
    }
    write_file_synced(temp / kCheckpointManifest, manifest.dump(2) + "\n");
    stage("manifest written");
    sync_folder(temp);
    stage("temp folder synced");
  } catch (const DataError&) {
    // An I/O failure (a full disk): the half-written folder goes, so the
    // disk space comes back and a later resume finds nothing to clean up.
    // (A simulated crash from after_stage is not a DataError and leaves it,
    // as a real crash would.)
    fs::remove_all(temp, ec);
    throw;
  }

  if (fs::exists(final_dir, ec)) {
    replace_folder(temp, final_dir);
    stage("renamed into place");
    fs::remove_all(temp, ec);  // now the old folder
  } else {
    rename_or_throw(temp, final_dir);
    stage("renamed into place");
  }
  sync_folder(run_dir);
  stage("run folder synced");

  const fs::path latest = run_dir / kLatestPointer;
  const fs::path latest_temp = run_dir / (std::string(kLatestPointer) + ".tmp");
  try {
    write_file_synced(latest_temp, checkpoint_name(step) + "\n");
  } catch (const DataError&) {
    fs::remove(latest_temp, ec);  // the previous `latest` stands
    throw;
  }
  stage("latest.tmp written");
  rename_or_throw(latest_temp, latest);
  stage("latest renamed");
  sync_folder(run_dir);
  stage("done");
  return final_dir;
}

std::optional<std::string> verify_checkpoint(const fs::path& checkpoint_dir) {
  return load_verified(checkpoint_dir, nullptr);
}

CheckpointFiles read_checkpoint(const fs::path& checkpoint_dir) {
  CheckpointFiles files;
  if (const auto why = load_verified(checkpoint_dir, &files))
    throw DataError(checkpoint_dir.string() + ": invalid checkpoint: " + *why);
  return files;
}

std::vector<CheckpointRef> list_checkpoints(const fs::path& run_dir) {
  std::vector<CheckpointRef> found;
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) return found;
  for (const auto& entry : fs::directory_iterator(run_dir, ec)) {
    const auto step = parse_checkpoint_name(entry.path().filename().string());
    if (step && entry.is_directory(ec)) found.push_back({*step, entry.path()});
  }
  std::sort(found.begin(), found.end(), [](const CheckpointRef& a, const CheckpointRef& b) { return a.step < b.step; });
  return found;
}

LatestCheckpoint find_latest_valid(const fs::path& run_dir) {
  LatestCheckpoint result;
  const auto all = list_checkpoints(run_dir);
  const fs::path latest = run_dir / kLatestPointer;

  // The step limit for the fallback search: the checkpoint `latest` names,
  // or no limit when there is no usable pointer.
  std::optional<int64_t> target;
  std::error_code ec;
  if (fs::exists(latest, ec)) {
    std::string text;
    try {
      text = grain::data::read_text_file(latest);
    } catch (const DataError& e) {
      result.messages.push_back(e.message());
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
    target = parse_checkpoint_name(text);
    // The text is shown only when it could be a folder name: `latest` may be
    // anything, e.g. a link to a private file, whose bytes no message prints.
    const bool name_like = text.size() <= 40 && std::all_of(text.begin(), text.end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                           });
    if (!target)
      result.messages.push_back(latest.string() + ": not a checkpoint name (" +
                                (name_like ? "'" + text + "'" : std::to_string(text.size()) + " bytes") + ")");
  } else if (!all.empty()) {
    result.messages.push_back(latest.string() + ": missing (interrupted first checkpoint?)");
  }

  if (target) {
    const fs::path dir = run_dir / checkpoint_name(*target);
    if (!fs::is_directory(dir, ec)) {
      result.messages.push_back(dir.string() + ": named by 'latest' but missing");
    } else if (const auto why = verify_checkpoint(dir)) {
      result.messages.push_back(dir.string() + ": corrupt or truncated: " + *why);
    } else {
      result.checkpoint = CheckpointRef{*target, dir};
      return result;
    }
  }
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (target && it->step >= *target) continue;
    if (const auto why = verify_checkpoint(it->path)) {
      result.messages.push_back(it->path.string() + ": corrupt or truncated: " + *why);
      continue;
    }
    result.checkpoint = *it;
    result.messages.push_back("using " + it->path.string() + ", the newest valid checkpoint" +
                              (target ? " before " + checkpoint_name(*target) : std::string()));
    return result;
  }
  if (!all.empty() || target) result.messages.push_back(run_dir.string() + ": no valid checkpoint");
  return result;
}

fs::path checkpoint_in_run(const fs::path& run_dir, std::string_view name, const std::string& source) {
  const std::string shown = grain::data::quoted_name(name);  // it may hold anything
  const auto bad = [&](const std::string& why) {
    return DataError(source + ": checkpoint " + shown + " " + why + "; it must name a checkpoint folder inside the " +
                     "run folder (\"ckpt-<step>\")");
  };
  if (name.empty()) throw bad("is empty");
  if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
    throw bad("contains control characters");
  const fs::path folder = run_dir / fs::path(name);
  if (fs::path(name).has_root_path()) throw bad("is an absolute path");
  const fs::path root = grain::data::resolve_folder(run_dir);
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fs::absolute(folder), ec);
  if (ec) throw bad("is not a usable path (" + ec.message() + ")");
  if (!grain::data::lies_inside(resolved, root))
    throw bad("resolves to " + resolved.string() + ", outside the run folder " + root.string());
  return folder;
}

std::vector<fs::path> prune_checkpoints(const fs::path& run_dir, size_t keep_last, const std::set<int64_t>& protect) {
  std::vector<fs::path> deleted;
  const auto all = list_checkpoints(run_dir);
  std::set<int64_t> keep = protect;
  for (size_t i = 0; i < all.size() && i < keep_last; ++i) keep.insert(all[all.size() - 1 - i].step);
  if (const auto newest_valid = find_latest_valid(run_dir).checkpoint) keep.insert(newest_valid->step);

  auto remove_folder = [&](const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) throw DataError(path.string() + ": cannot delete: " + ec.message());
  };
  // Leftovers of interrupted writes and deletions.
  std::vector<fs::path> leftovers;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kTempPrefix) || name.starts_with(kDeletingPrefix)) leftovers.push_back(entry.path());
  }
  for (const auto& path : leftovers) {
    remove_folder(path);
    deleted.push_back(path);
  }
  for (const auto& ckpt : all) {
    if (keep.count(ckpt.step)) continue;
    const fs::path aside = run_dir / (kDeletingPrefix + checkpoint_name(ckpt.step));
    rename_or_throw(ckpt.path, aside);
    remove_folder(aside);
    deleted.push_back(ckpt.path);
  }
  return deleted;
}

}  // namespace grain::formats
