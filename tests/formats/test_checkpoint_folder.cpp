// The atomic checkpoint folder protocol: round trip, manifest checksums equal
// to hashlib's, fallback from corrupt, truncated or missing checkpoints, a
// simulated crash at every step of a write (fresh step and replaced step),
// and keep-last-K pruning.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <csignal>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/formats/checkpoint_folder.h"
#include "tests/formats/temp_folder.h"

using namespace grain::formats;
using Catch::Matchers::Contains;
using grain::formats::testing::fixture;
using grain::formats::testing::slurp;
using grain::formats::testing::spit;
using grain::formats::testing::TempFolder;
namespace fs = std::filesystem;

namespace {

CheckpointFiles files_for(int64_t step) {
  const std::string s = std::to_string(step);
  return {{"model.safetensors", std::string(3000 + step, 'm') + s},
          {"optimizer.safetensors", "optimizer state " + s},
          {"state.json", R"({"step": )" + s + "}"}};
}

struct SimulatedCrash {};

bool contains_any(const std::vector<std::string>& messages, const std::string& a, const std::string& b) {
  for (const auto& m : messages)
    if (m.find(a) != std::string::npos && m.find(b) != std::string::npos) return true;
  return false;
}

// Every stage name the writer reports, in order, for a write of `files`.
std::vector<std::string> stages_of_a_write(const CheckpointFiles& files) {
  TempFolder dir("stages");
  std::vector<std::string> stages;
  CheckpointWriteOptions options;
  options.after_stage = [&](std::string_view s) { stages.emplace_back(s); };
  write_checkpoint(dir.path(), 1, files, options);
  return stages;
}

}  // namespace

TEST_CASE("checkpoint: write, find and read back", "[formats][checkpoint]") {
  TempFolder run("ckpt_roundtrip");
  write_checkpoint(run.path(), 100, files_for(100));
  const fs::path second = write_checkpoint(run.path(), 200, files_for(200));
  CHECK(second == run / "ckpt-200");
  CHECK(slurp(run / "latest") == "ckpt-200\n");

  const LatestCheckpoint latest = find_latest_valid(run.path());
  REQUIRE(latest.checkpoint);
  CHECK(latest.checkpoint->step == 200);
  CHECK(latest.messages.empty());
  CHECK(read_checkpoint(latest.checkpoint->path) == files_for(200));
  CHECK(read_checkpoint(run / "ckpt-100") == files_for(100));
  CHECK(list_checkpoints(run.path()).size() == 2);
  // Nothing temporary is left behind.
  for (const auto& entry : fs::directory_iterator(run.path()))
    CHECK((entry.path().filename() == "latest" || entry.path().filename().string().rfind("ckpt-", 0) == 0));
}

TEST_CASE("checkpoint: manifest holds each file's size and the SHA-256 hashlib computes", "[formats][checkpoint]") {
  const auto expected = nlohmann::json::parse(slurp(fixture("checksums.json")));
  std::string data(1000, '\0');  // make_fixtures.py's pattern(1000)
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7 + 3) % 256);
  TempFolder run("ckpt_manifest");
  write_checkpoint(run.path(), 5, {{"model.safetensors", data}, {"state.json", "123456789"}});
  const auto manifest = nlohmann::json::parse(slurp(run / "ckpt-5" / "manifest.json"));
  CHECK(manifest["step"] == 5);
  CHECK(manifest["files"]["model.safetensors"]["size"] == 1000);
  CHECK(manifest["files"]["model.safetensors"]["sha256"] == expected["pattern1000"]["sha256"]);
  CHECK(manifest["files"]["state.json"]["sha256"] == expected["123456789"]["sha256"]);
}

TEST_CASE("checkpoint: a damaged latest checkpoint falls back to the previous one with a message",
          "[formats][checkpoint]") {
  TempFolder run("ckpt_fallback");
  write_checkpoint(run.path(), 1, files_for(1));
  write_checkpoint(run.path(), 2, files_for(2));
  const fs::path damaged = run / "ckpt-2";
  std::string expect_a, expect_b;

  SECTION("truncated file") {
    const std::string model = slurp(damaged / "model.safetensors");
    spit(damaged / "model.safetensors", model.substr(0, model.size() / 2));
    expect_a = "model.safetensors";
    expect_b = "size 1501";
  }
  SECTION("same size, one byte changed") {
    std::string state = slurp(damaged / "optimizer.safetensors");
    state[3] ^= 0x01;
    spit(damaged / "optimizer.safetensors", state);
    expect_a = "optimizer.safetensors";
    expect_b = "SHA-256";
  }
  SECTION("file deleted") {
    fs::remove(damaged / "state.json");
    expect_a = "state.json";
    expect_b = "missing";
  }
  SECTION("manifest deleted") {
    fs::remove(damaged / "manifest.json");
    expect_a = "manifest.json";
    expect_b = "missing";
  }
  SECTION("manifest truncated") {
    const std::string manifest = slurp(damaged / "manifest.json");
    spit(damaged / "manifest.json", manifest.substr(0, 20));
    expect_a = "manifest.json";
    expect_b = "invalid JSON";
  }
  SECTION("manifest entry nested 100,000 deep (200 KB)") {
    auto manifest = nlohmann::json::parse(slurp(damaged / "manifest.json"));
    manifest["files"]["state.json"] = "@";  // replaced by the deep value as text (dump() would recurse per level)
    std::string text = manifest.dump();
    const size_t at = text.find("\"@\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 3, std::string(100'000, '[') + std::string(100'000, ']'));
    spit(damaged / "manifest.json", text);
    expect_a = "manifest.json";
    expect_b = "invalid JSON: arrays/objects nested deeper than 64 levels";
  }
  SECTION("manifest lists a path outside the folder") {
    auto manifest = nlohmann::json::parse(slurp(damaged / "manifest.json"));
    manifest["files"]["../ckpt-1/state.json"] = manifest["files"]["state.json"];
    spit(damaged / "manifest.json", manifest.dump());
    expect_a = "manifest.json";
    expect_b = "../ckpt-1/state.json";
  }
  SECTION("folder deleted") {
    fs::remove_all(damaged);
    expect_a = "ckpt-2";
    expect_b = "missing";
  }
  const LatestCheckpoint latest = find_latest_valid(run.path());
  REQUIRE(latest.checkpoint);
  CHECK(latest.checkpoint->step == 1);
  CHECK(read_checkpoint(latest.checkpoint->path) == files_for(1));
  INFO("messages: " << nlohmann::json(latest.messages).dump());
  CHECK(contains_any(latest.messages, "ckpt-2", expect_a));
  CHECK(contains_any(latest.messages, expect_a, expect_b));
  CHECK(contains_any(latest.messages, "using", "ckpt-1"));
  if (fs::exists(damaged)) CHECK_THROWS_WITH(read_checkpoint(damaged), Contains("ckpt-2") && Contains(expect_a));
}

TEST_CASE("checkpoint: a crash at any stage of a write leaves a loadable checkpoint", "[formats][checkpoint]") {
  const std::vector<std::string> stages = stages_of_a_write(files_for(2));
  REQUIRE(stages.size() == 11);  // created, 3 files, manifest, synced, renamed, synced, latest x2, done
  for (size_t crash_at = 0; crash_at < stages.size(); ++crash_at) {
    for (const bool replacing : {false, true}) {
      INFO("crash after '" << stages[crash_at] << "'" << (replacing ? " while replacing ckpt-2" : ""));
      TempFolder run("ckpt_crash");
      write_checkpoint(run.path(), 1, files_for(1));
      // When replacing: an older ckpt-2 exists (e.g. from a run resumed at step 1).
      CheckpointFiles old2 = files_for(2);
      old2["state.json"] = "older ckpt-2";
      if (replacing) write_checkpoint(run.path(), 2, old2);

      CheckpointWriteOptions options;
      options.after_stage = [&](std::string_view s) {
        if (s == stages[crash_at]) throw SimulatedCrash{};
      };
      CHECK_THROWS_AS(write_checkpoint(run.path(), 2, files_for(2), options), SimulatedCrash);

      const LatestCheckpoint latest = find_latest_valid(run.path());
      REQUIRE(latest.checkpoint);
      const CheckpointFiles loaded = read_checkpoint(latest.checkpoint->path);
      const bool committed = crash_at >= 9;  // "latest renamed" and after
      if (committed) {
        CHECK(loaded == files_for(2));
      } else if (replacing) {
        // latest -> ckpt-2 all along: the old or the new complete ckpt-2.
        CHECK((loaded == old2 || loaded == files_for(2)));
      } else {
        CHECK(loaded == files_for(1));
      }
      // Recovery: the next write succeeds and pruning clears the leftovers.
      write_checkpoint(run.path(), 3, files_for(3));
      prune_checkpoints(run.path(), 10);
      for (const auto& entry : fs::directory_iterator(run.path())) {
        const std::string name = entry.path().filename().string();
        CHECK((name == "latest" || name == "latest.tmp" || name.rfind("ckpt-", 0) == 0));
      }
      CHECK(read_checkpoint(find_latest_valid(run.path()).checkpoint->path) == files_for(3));
    }
  }
}

TEST_CASE("checkpoint: the latest pointer decides, with fallbacks only to older steps", "[formats][checkpoint]") {
  TempFolder run("ckpt_pointer");
  for (int64_t step : {1, 2, 3}) write_checkpoint(run.path(), step, files_for(step));

  SECTION("a valid newer folder not yet committed by 'latest' is not used") {
    spit(run / "latest", "ckpt-2\n");
    const auto latest = find_latest_valid(run.path());
    REQUIRE(latest.checkpoint);
    CHECK(latest.checkpoint->step == 2);
    CHECK(latest.messages.empty());
  }
  SECTION("a corrupt pointed-to checkpoint falls back below it, never above") {
    spit(run / "latest", "ckpt-2\n");
    spit(run / "ckpt-2" / "state.json", "{}");
    const auto latest = find_latest_valid(run.path());
    REQUIRE(latest.checkpoint);
    CHECK(latest.checkpoint->step == 1);
  }
  SECTION("missing pointer: the newest valid checkpoint, with a message") {
    fs::remove(run / "latest");
    spit(run / "ckpt-3" / "model.safetensors", "x");
    const auto latest = find_latest_valid(run.path());
    REQUIRE(latest.checkpoint);
    CHECK(latest.checkpoint->step == 2);
    CHECK(contains_any(latest.messages, "latest", "missing"));
    CHECK(contains_any(latest.messages, "ckpt-3", "model.safetensors"));
  }
  SECTION("garbage pointer: the newest valid checkpoint, with a message") {
    spit(run / "latest", "\x01\x02garbage");
    const auto latest = find_latest_valid(run.path());
    REQUIRE(latest.checkpoint);
    CHECK(latest.checkpoint->step == 3);
    CHECK(contains_any(latest.messages, "latest", "not a checkpoint name"));
  }
  SECTION("a pointer linking to a private file: the message shows none of its bytes") {
    spit(run.path().parent_path() / (run.path().filename().string() + "-secret"), "root:SECRET:19000:0:99999\n");
    fs::remove(run / "latest");
    fs::create_symlink(run.path().parent_path() / (run.path().filename().string() + "-secret"), run / "latest");
    const auto latest = find_latest_valid(run.path());
    REQUIRE(latest.checkpoint);
    CHECK(latest.checkpoint->step == 3);
    CHECK(contains_any(latest.messages, "not a checkpoint name", "(25 bytes)"));
    for (const std::string& m : latest.messages) CHECK_THAT(m, !Contains("SECRET") && !Contains("root"));
    fs::remove(run.path().parent_path() / (run.path().filename().string() + "-secret"));
  }
  SECTION("a pointer that could be a name is shown") {
    spit(run / "latest", "ckpt-07\n");
    CHECK(contains_any(find_latest_valid(run.path()).messages, "not a checkpoint name", "('ckpt-07')"));
  }
  SECTION("only canonical folder names count") {
    fs::create_directories(run / "ckpt-010");
    fs::create_directories(run / "ckpt-x");
    fs::create_directories(run / "ckpt-");
    CHECK(list_checkpoints(run.path()).size() == 3);
  }
  SECTION("nothing valid") {
    for (int64_t step : {1, 2, 3}) fs::remove(run / ("ckpt-" + std::to_string(step)) / "manifest.json");
    const auto latest = find_latest_valid(run.path());
    CHECK_FALSE(latest.checkpoint);
    CHECK(contains_any(latest.messages, "no valid checkpoint", ""));
  }
}

TEST_CASE("checkpoint: empty or absent run folders have no checkpoint and no messages", "[formats][checkpoint]") {
  TempFolder run("ckpt_empty");
  CHECK_FALSE(find_latest_valid(run.path()).checkpoint);
  CHECK(find_latest_valid(run.path()).messages.empty());
  CHECK_FALSE(find_latest_valid(run / "absent").checkpoint);
  CHECK(list_checkpoints(run / "absent").empty());
}

TEST_CASE("checkpoint: rewriting an existing step replaces it", "[formats][checkpoint]") {
  TempFolder run("ckpt_rewrite");
  write_checkpoint(run.path(), 7, files_for(1));
  write_checkpoint(run.path(), 7, {{"state.json", "new"}});
  CHECK(read_checkpoint(run / "ckpt-7") == CheckpointFiles{{"state.json", "new"}});
  CHECK_FALSE(fs::exists(run / "ckpt-7" / "model.safetensors"));
}

TEST_CASE("checkpoint: bad file names and steps are refused", "[formats][checkpoint]") {
  TempFolder run("ckpt_names");
  for (const std::string name : {"../escape", "a/b", ".hidden", "", "manifest.json"})
    CHECK_THROWS_WITH(write_checkpoint(run.path(), 1, {{name, "x"}}), Contains("'" + name + "'"));
  CHECK_THROWS_WITH(write_checkpoint(run.path(), -1, files_for(1)), Contains("step must be >= 0"));
  CHECK(list_checkpoints(run.path()).empty());
}

TEST_CASE("checkpoint: keep-last-K pruning never deletes the newest valid one", "[formats][checkpoint]") {
  TempFolder run("ckpt_prune");
  for (int64_t step = 1; step <= 5; ++step) write_checkpoint(run.path(), step * 10, files_for(step));
  fs::create_directories(run / ".tmp-ckpt-60");  // an interrupted write
  spit(run / ".tmp-ckpt-60" / "model.safetensors", "half");
  auto steps = [&] {
    std::vector<int64_t> out;
    for (const auto& c : list_checkpoints(run.path())) out.push_back(c.step);
    return out;
  };

  SECTION("all valid") {
    const auto deleted = prune_checkpoints(run.path(), 2);
    CHECK(steps() == std::vector<int64_t>{40, 50});
    CHECK(deleted.size() == 4);  // ckpt-10, -20, -30 and the temp folder
    CHECK_FALSE(fs::exists(run / ".tmp-ckpt-60"));
  }
  SECTION("the two newest corrupt: the newest valid survives") {
    spit(run / "ckpt-50" / "state.json", "torn");
    spit(run / "ckpt-40" / "state.json", "torn");
    prune_checkpoints(run.path(), 1);
    CHECK(steps() == std::vector<int64_t>{30, 50});
    CHECK(find_latest_valid(run.path()).checkpoint->step == 30);
  }
  SECTION("keep 0 still keeps the newest valid; protected steps survive") {
    prune_checkpoints(run.path(), 0, {20});
    CHECK(steps() == std::vector<int64_t>{20, 50});
  }
}

namespace {

// Files may grow to `bytes` at most while it lives: a write past that fails
// with EFBIG, as a full disk fails with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

bool has_leftovers(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(".tmp", 0) == 0 || e.path().extension() == ".tmp") return true;
  }
  return false;
}

}  // namespace

TEST_CASE("checkpoint: a write that fails (disk full) leaves no temporary folder, and the next one works",
          "[formats][checkpoint]") {
  TempFolder run("ckpt_disk_full");
  write_checkpoint(run.path(), 1, files_for(1));
  CheckpointFiles big = files_for(2);
  big["model.safetensors"] = std::string(64 * 1024, 'x');
  {
    FileSizeLimit limit(16 * 1024);
    CHECK_THROWS_AS(write_checkpoint(run.path(), 2, big), grain::data::DataError);
    CHECK_THROWS_AS(grain::data::write_file_atomic(run.path() / "config.yaml", std::string(64 * 1024, 'y')),
                    grain::data::DataError);
  }
  CHECK_FALSE(has_leftovers(run.path()));
  CHECK_FALSE(fs::exists(run.path() / "config.yaml"));
  CHECK(find_latest_valid(run.path()).checkpoint->step == 1);
  write_checkpoint(run.path(), 2, big);  // space again: the same step writes without any cleanup
  CHECK(find_latest_valid(run.path()).checkpoint->step == 2);
}

// best.json names the best checkpoint of its run folder; whatever it says, the
// folder it gives is inside the run folder, symbolic links followed.
TEST_CASE("checkpoint: a named checkpoint must lie inside its run folder", "[formats][checkpoint]") {
  TempFolder dir("ckpt_named");
  const fs::path run = dir / "run";
  write_checkpoint(run, 3, files_for(3));
  write_checkpoint(dir / "other", 1, files_for(1));
  const std::string source = (run / "best.json").string();
  CHECK(checkpoint_in_run(run, "ckpt-3", source) == run / "ckpt-3");
  fs::create_directories(run / "kept");
  fs::rename(run / "ckpt-3", run / "kept" / "ckpt-3");
  CHECK(checkpoint_in_run(run, "kept/ckpt-3", source) == run / "kept" / "ckpt-3");  // a relative path inside
  CHECK(checkpoint_in_run(run, "ckpt-9", source) == run / "ckpt-9");  // missing: verify_checkpoint says so later
  // The run folder itself may be a link (runs on another disk).
  fs::create_symlink(run, dir / "run-link");
  CHECK(checkpoint_in_run(dir / "run-link", "kept/ckpt-3", source) == dir / "run-link" / "kept" / "ckpt-3");

  const auto refused = [&](const std::string& name) {
    try {
      checkpoint_in_run(run, name, source);
    } catch (const grain::data::DataError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refused("../other/ckpt-1"), Contains(source) && Contains("\"../other/ckpt-1\"") &&
                                             Contains("outside the run folder"));
  CHECK_THAT(refused("../../x"), Contains("outside the run folder"));
  CHECK_THAT(refused((dir / "other" / "ckpt-1").string()), Contains("is an absolute path"));
  CHECK_THAT(refused("/etc"), Contains("is an absolute path"));
  CHECK_THAT(refused("kept/.."), Contains("outside the run folder"));  // the run folder itself
  CHECK_THAT(refused("."), Contains("outside the run folder"));
  CHECK_THAT(refused(""), Contains("is empty"));
  CHECK_THAT(refused(std::string("ckpt-3\0/../../x", 15)), Contains("control characters") && Contains("\\x00"));
  CHECK_THAT(refused("ckpt-3\n"), Contains("control characters") && !Contains("\n"));
  CHECK(refused(std::string(10'000, 'a')).size() < 600);  // the name is shortened in the message
  // A link inside the run folder pointing out of it.
  fs::create_symlink(dir / "other" / "ckpt-1", run / "ckpt-5");
  CHECK_THAT(refused("ckpt-5"),
             Contains("\"ckpt-5\"") && Contains("resolves to") && Contains("outside the run folder"));
}
