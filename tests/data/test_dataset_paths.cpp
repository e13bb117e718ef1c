// Dataset paths stay inside their folders: a video file, frame folder or frame
// file that is a symbolic link out of the dataset's videos/ or frames/ is an
// error naming the video id and the path, and is not read; the dataset root
// and its videos/ and frames/ folders may themselves be links (another disk).
// The outside targets are readable, valid media, so a source that followed
// the link would decode them without error.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/common/error.h"
#include "data/common/path_inside.h"
#include "data/loader/clip_source.h"
#include "data/video/frame_folder.h"
#include "data/video/jpeg.h"
#include "temp_dir.h"
#include "video_fixtures.h"

using namespace grain::data;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

constexpr int kWidth = 16, kHeight = 12;

DecodeOptions decode_options() {
  DecodeOptions o;
  o.fps = 12;
  o.width = kWidth;
  o.height = kHeight;
  return o;
}

// A folder of `frames` grey JPEG frames 000001.jpg, ...
void write_jpeg_folder(const fs::path& dir, int frames) {
  fs::create_directories(dir);
  const std::vector<uint8_t> rgb(static_cast<size_t>(kWidth) * kHeight * 3, 128);
  for (int t = 0; t < frames; ++t) {
    char name[32];
    std::snprintf(name, sizeof(name), "%06d.jpg", t + 1);
    write_jpeg_file(dir / name, rgb.data(), kWidth, kHeight, 90);
  }
}

DatasetLayout layout_at(const fs::path& root) {
  DatasetLayout layout;
  layout.root = root;
  return layout;
}

std::string load_error(const ClipSource& source, int64_t index) {
  try {
    source.load(index);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("data/paths: a video file linking out of videos/ is refused, naming the id", "[data][paths]") {
  testing::TempDir dir("paths_video");
  fs::create_directories(dir / "ds" / "videos");
  testing::write_test_webm(dir / "ds" / "videos" / "1.webm", kWidth, kHeight, 3, 12, true);
  testing::write_test_webm(dir / "outside.webm", kWidth, kHeight, 3, 12, true);
  fs::create_symlink(dir / "outside.webm", dir / "ds" / "videos" / "2.webm");
  // A relative link climbing out of the folder is the same escape.
  fs::create_symlink("../../outside.webm", dir / "ds" / "videos" / "3.webm");
  const auto source = make_video_file_source(layout_at(dir / "ds"), {"1", "2", "3"}, decode_options());
  CHECK(source->load(0).frames == 3);
  for (const int64_t i : {1, 2}) {
    const std::string id = std::to_string(i + 1);
    INFO("video " << id);
    CHECK_THAT(load_error(*source, i), Contains("video \"" + id + "\"") && Contains(id + ".webm") &&
                                           Contains("outside.webm") && Contains("outside"));
  }
}

TEST_CASE("data/paths: a frame folder or a frame file linking out of frames/ is refused", "[data][paths]") {
  testing::TempDir dir("paths_frames");
  write_jpeg_folder(dir / "ds" / "frames" / "1", 3);
  write_jpeg_folder(dir / "outside", 3);
  fs::create_symlink(dir / "outside", dir / "ds" / "frames" / "2");  // the whole folder
  write_jpeg_folder(dir / "ds" / "frames" / "3", 3);
  fs::remove(dir / "ds" / "frames" / "3" / "000002.jpg");
  fs::create_symlink(dir / "outside" / "000002.jpg", dir / "ds" / "frames" / "3" / "000002.jpg");  // one frame
  // A frame linking to another video's frame stays inside frames/: allowed.
  write_jpeg_folder(dir / "ds" / "frames" / "4", 3);
  fs::remove(dir / "ds" / "frames" / "4" / "000003.jpg");
  fs::create_symlink("../1/000003.jpg", dir / "ds" / "frames" / "4" / "000003.jpg");
  const auto source = make_frame_folder_source(layout_at(dir / "ds"), {"1", "2", "3", "4"}, 12, decode_options());
  CHECK(source->load(0).frames == 3);
  CHECK_THAT(load_error(*source, 1), Contains("video \"2\"") && Contains("frames/2") && Contains("outside"));
  CHECK_THAT(load_error(*source, 2), Contains("frames/3") && Contains("000002.jpg") && Contains("outside"));
  CHECK(source->load(3).frames == 3);
}

TEST_CASE("data/paths: a frame linking to a private file is refused before any byte of it is read",
          "[data][paths]") {
  testing::TempDir dir("paths_private");
  write_jpeg_folder(dir / "ds" / "frames" / "1", 2);
  {
    std::ofstream secret(dir / "secret");
    secret << "root:SECRET-HASH:19000:0:99999:7:::\n";
  }
  fs::remove(dir / "ds" / "frames" / "1" / "000001.jpg");
  fs::create_symlink(dir / "secret", dir / "ds" / "frames" / "1" / "000001.jpg");
  const auto source = make_frame_folder_source(layout_at(dir / "ds"), {"1"}, 12, decode_options());
  const std::string error = load_error(*source, 0);
  CHECK_THAT(error, Contains("000001.jpg") && Contains("outside"));
  CHECK_THAT(error, !Contains("SECRET") && !Contains("0x72") && !Contains("root:"));
}

TEST_CASE("data/paths: the root, videos/ and frames/ may be links to another disk", "[data][paths]") {
  testing::TempDir dir("paths_links");
  // The real data: annotations in one place, videos and frames on "other disks".
  fs::create_directories(dir / "disk1" / "dataset");
  fs::create_directories(dir / "disk2" / "videos");
  testing::write_test_webm(dir / "disk2" / "videos" / "7.webm", kWidth, kHeight, 4, 12, true);
  write_jpeg_folder(dir / "disk3" / "frames" / "7", 4);
  fs::create_symlink(dir / "disk2" / "videos", dir / "disk1" / "dataset" / "videos");
  fs::create_symlink(dir / "disk3" / "frames", dir / "disk1" / "dataset" / "frames");
  fs::create_symlink(dir / "disk1" / "dataset", dir / "data");  // the root the user names
  const DatasetLayout layout = layout_at(dir / "data");
  CHECK(make_video_file_source(layout, {"7"}, decode_options())->load(0).frames == 4);
  CHECK(make_frame_folder_source(layout, {"7"}, 12, decode_options())->load(0).frames == 4);
  // A video named by an absolute videos folder (a layout field) is checked against that folder.
  DatasetLayout absolute = layout_at(dir / "disk1" / "dataset");
  absolute.videos = (dir / "disk2" / "videos").string();
  CHECK(make_video_file_source(absolute, {"7"}, decode_options())->load(0).frames == 4);
}

TEST_CASE("data/paths: lies_inside compares whole components", "[data][paths]") {
  CHECK(lies_inside("/data/videos/1.webm", "/data/videos"));
  CHECK(lies_inside("/data/videos/a/b", "/data/videos"));
  CHECK_FALSE(lies_inside("/data/videos", "/data/videos"));  // the folder itself is not inside
  CHECK_FALSE(lies_inside("/data/videos2/1.webm", "/data/videos"));
  CHECK_FALSE(lies_inside("/data", "/data/videos"));
  CHECK_FALSE(lies_inside("/etc/shadow", "/data/videos"));
  CHECK(lies_inside("/etc/shadow", "/"));
}

TEST_CASE("data/paths: decode_frame_folder on its own keeps frames inside the folder", "[data][paths]") {
  testing::TempDir dir("paths_folder");
  write_jpeg_folder(dir / "v", 2);
  write_jpeg_folder(dir / "w", 2);
  fs::remove(dir / "v" / "000002.jpg");
  fs::create_symlink(dir / "w" / "000002.jpg", dir / "v" / "000002.jpg");
  CHECK_THROWS_WITH(decode_frame_folder(dir / "v", 12, decode_options()),
                    Contains("000002.jpg") && Contains("outside"));
  // With the parent as the resolved root, the same link is inside.
  CHECK(decode_frame_folder(dir / "v", 12, decode_options(), resolve_folder(dir.path())).frames == 2);
}
