// The dataset writer: byte-identical output for the same seed and flags,
// resuming after an interruption, refusing to mix settings, and the written
// folder read back through the SSv2 annotations reader and the video decoder
// exactly like the real data.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/ssv2/annotations.h"
#include "data/synth/contact_sheet.h"
#include "data/synth/dataset_kind.h"
#include "data/synth/dataset_writer.h"
#include "data/synth/label_files.h"
#include "data/video/frame_folder.h"
#include "data/video/video_decoder.h"

namespace fs = std::filesystem;
namespace synth = grain::data::synth;

namespace {

// A fresh folder under the system temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("grain_synth_" + tag + "_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Relative path -> bytes of every file under root (hidden stamp included).
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = grain::data::read_text_file(e.path());
  return files;
}

synth::WriteOptions small(const fs::path& out, synth::VideoFormat format = synth::VideoFormat::kWebm) {
  synth::WriteOptions o;
  o.out = out;
  o.seed = 21;
  o.splits = {34, 4, 4};
  o.width = 64, o.height = 48;
  o.format = format;
  o.threads = 2;
  o.progress = false;
  return o;
}

}  // namespace

TEST_CASE("synth: same seed and flags give byte-identical datasets, and reruns resume", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-ss");
  TempDir a("det_a"), b("det_b");
  const synth::WriteStats sa = synth::write_dataset(*kind, small(a.path / "ds"));
  CHECK(sa.written == 42);
  synth::WriteOptions one_thread = small(b.path / "ds");
  one_thread.threads = 1;  // the thread count must not change a byte
  synth::write_dataset(*kind, one_thread);
  const auto files_a = snapshot(a.path / "ds");
  CHECK(files_a.size() == 42 + 6 + 1);  // videos, five label files and attributes.json, the stamp
  CHECK(files_a == snapshot(b.path / "ds"));

  // An interrupted run: one video and the label files missing, a half-written leftover.
  fs::remove(a.path / "ds" / "videos" / "7.webm");
  fs::remove(a.path / "ds" / "labels.json");
  fs::create_directories(a.path / "ds" / ".partial");
  grain::data::write_file_atomic(a.path / "ds" / ".partial" / "9.webm", "half");
  const synth::WriteStats again = synth::write_dataset(*kind, small(a.path / "ds"));
  CHECK(again.written == 1);
  CHECK(again.skipped == 41);
  CHECK(snapshot(a.path / "ds") == files_a);

  // Other settings in the same folder are refused.
  synth::WriteOptions other = small(a.path / "ds");
  other.seed = 22;
  CHECK_THROWS_AS(synth::write_dataset(*kind, other), grain::data::DataError);
}

TEST_CASE("synth: a stop request ends generation after the videos in hand; a rerun completes it", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-ss");
  TempDir a("stop_a"), b("stop_b");
  synth::write_dataset(*kind, small(b.path / "ds", synth::VideoFormat::kJpeg));
  synth::WriteOptions o = small(a.path / "ds", synth::VideoFormat::kJpeg);
  std::atomic<int> polls{0};
  o.stop_requested = [&] { return ++polls > 10; };  // stop after about 10 videos
  const synth::WriteStats stopped = synth::write_dataset(*kind, o);
  CHECK(stopped.stopped);
  CHECK(stopped.written >= 9);
  CHECK(stopped.written <= 11);
  CHECK_FALSE(fs::exists(a.path / "ds" / "labels.json"));  // not marked complete
  o.stop_requested = nullptr;
  const synth::WriteStats rest = synth::write_dataset(*kind, o);
  CHECK_FALSE(rest.stopped);
  CHECK(rest.skipped == stopped.written);
  CHECK(snapshot(a.path / "ds") == snapshot(b.path / "ds"));
}

TEST_CASE("synth: attributes.json names each placeholder's object as its phrase does; a probe split adds videos after "
          "the others and changes none of them", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-ss");
  TempDir a("attr_a"), b("attr_b");
  synth::WriteOptions o = small(a.path, synth::VideoFormat::kJpeg);
  synth::write_dataset(*kind, o);
  const nlohmann::json attributes = nlohmann::json::parse(grain::data::read_text_file(a.path / "attributes.json"));
  CHECK(attributes.size() == 42);  // every split, test included
  CHECK_FALSE(fs::exists(a.path / "probe.json"));
  int two_objects = 0;
  for (const char* split : {"train", "validation"})
    for (const auto& v : nlohmann::json::parse(grain::data::read_text_file(a.path / (std::string(split) + ".json")))) {
      const nlohmann::json& objects = attributes.at(v.at("id").get<std::string>());
      REQUIRE(objects.size() == v.at("placeholders").size());
      two_objects += objects.size() == 2;
      for (size_t i = 0; i < objects.size(); ++i) {
        const nlohmann::json& x = objects[i];
        // The phrase's grammar (object_spec.h): article, size, pattern unless plain, colour, shape.
        const std::string pattern = x.at("pattern") == "plain" ? "" : x.at("pattern").get<std::string>() + " ";
        CHECK(v.at("placeholders")[i] == "a " + x.at("size").get<std::string>() + " " + pattern +
                                             x.at("colour").get<std::string>() + " " + x.at("shape").get<std::string>());
      }
    }
  CHECK(two_objects > 0);

  o.out = b.path;
  o.splits.probe = 20;
  synth::write_dataset(*kind, o);
  const nlohmann::json probe = nlohmann::json::parse(grain::data::read_text_file(b.path / "probe.json"));
  REQUIRE(probe.size() == 20);
  CHECK(probe[0].at("id") == "43");
  CHECK(probe[0].contains("placeholders"));  // labelled, unlike test
  std::map<std::string, std::string> with = snapshot(b.path), without = snapshot(a.path);
  for (const auto& [file, bytes] : without)
    if (file != "attributes.json" && file != ".make_dataset.json") CHECK(with.at(file) == bytes);
  const nlohmann::json more = nlohmann::json::parse(with.at("attributes.json"));
  CHECK(more.size() == 62);
  for (const auto& [id, objects] : attributes.items()) CHECK(more.at(id) == objects);
}

TEST_CASE("synth: JPEG frame folders are deterministic too", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-kitchen");
  TempDir a("jpg_a"), b("jpg_b");
  synth::WriteOptions o = small(a.path, synth::VideoFormat::kJpeg);
  o.splits = {13, 0, 0};
  synth::write_dataset(*kind, o);
  o.out = b.path;
  synth::write_dataset(*kind, o);
  CHECK(fs::exists(a.path / "frames" / "1" / "000001.jpg"));
  CHECK(snapshot(a.path) == snapshot(b.path));
  const grain::data::DecodedVideo v = grain::data::decode_frame_folder(a.path / "frames" / "1", 12.0);
  std::vector<uint8_t> frames;
  const auto entries = synth::plan_entries(*kind, 21, o.splits);
  CHECK(v.frames == synth::render_video(*kind, 21, 1, entries[0].label.class_index, 64, 48, frames));
}

TEST_CASE("synth: a generated dataset reads like the real data", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-ss");
  TempDir dir("read");
  const synth::WriteOptions o = small(dir.path);
  synth::write_dataset(*kind, o);
  const auto entries = synth::plan_entries(*kind, o.seed, o.splits);

  const grain::data::DatasetLayout layout = grain::data::DatasetLayout::detect(dir.path);
  const grain::data::Annotations ann = grain::data::Annotations::load(layout);
  REQUIRE(ann.category_names().size() == kind->classes().size());
  for (size_t i = 0; i < kind->classes().size(); ++i)
    CHECK(ann.category_names()[i] == synth::category_name(kind->classes()[i].template_text));
  REQUIRE(ann.has_groups());
  CHECK(ann.placeholder_mismatches() == 0);

  const auto train = ann.split("train");
  REQUIRE(train.size() == 34);
  CHECK(ann.split("validation").size() == 4);
  const auto test = ann.split("test");
  REQUIRE(test.size() == 4);
  CHECK(test[0].category == -1);
  for (size_t i = 0; i < train.size(); ++i) {
    const synth::VideoEntry& e = entries[i];
    CHECK(train[i].id == e.id);
    CHECK(train[i].category == e.label.class_index);
    CHECK(train[i].caption == e.label.caption);
    CHECK(ann.group_names()[static_cast<size_t>(train[i].group)] ==
          kind->classes()[static_cast<size_t>(e.label.class_index)].group);
    // Simplified caption: one word per placeholder (its last word, the shape), as for the real data.
    std::vector<std::string> heads;
    for (const std::string& p : e.label.placeholders) heads.push_back(p.substr(p.rfind(' ') + 1));
    CHECK(train[i].simplified_caption == synth::fill_template(e.label.template_text, heads));
  }

  // The video decodes to the rendered frames (lossy VP9: close, not equal).
  const synth::VideoEntry& e = entries[3];
  const grain::data::DecodedVideo v = grain::data::decode_video(layout.video_path(e.id));
  std::vector<uint8_t> frames;
  const int n = synth::render_video(*kind, o.seed, e.index, e.label.class_index, 64, 48, frames);
  REQUIRE(v.frames == n);
  CHECK(v.width == 64);
  CHECK(v.height == 48);
  double err = 0;
  for (size_t i = 0; i < frames.size(); ++i) err += std::abs(static_cast<int>(frames[i]) - static_cast<int>(v.rgb[i]));
  CHECK(err / static_cast<double>(frames.size()) < 8.0);
}

TEST_CASE("synth: the contact sheet is a deterministic PNG", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-kitchen");
  TempDir dir("sheet");
  const auto entries = synth::plan_entries(*kind, 3, {26, 0, 0});
  synth::ContactSheetOptions o;
  o.videos_per_class = 1;
  synth::write_contact_sheet(*kind, 3, entries, 64, 48, dir.path / "a.png", o);
  synth::write_contact_sheet(*kind, 3, entries, 64, 48, dir.path / "b.png", o);
  const std::string a = grain::data::read_text_file(dir.path / "a.png");
  CHECK(a.substr(1, 3) == "PNG");
  CHECK(a == grain::data::read_text_file(dir.path / "b.png"));
}
