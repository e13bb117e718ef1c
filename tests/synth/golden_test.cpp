// Golden values of the synthetic datasets: FNV-1a hashes of rendered frames,
// of captions and of the split plan for fixed seeds.
//
// The generator promises byte-identical datasets for a seed on any machine
// (its own trigonometry, integer-only bit-to-float mappings, no <random>
// distributions). The other synth tests check that two runs agree; these pin
// the output itself, so a refactoring that changes one random draw, one
// placement or one keyframe fails here. When a change of output is intended,
// the new values go in with the change that explains it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "data/synth/dataset_kind.h"
#include "data/synth/dataset_writer.h"
#include "data/synth/label_files.h"

namespace synth = grain::data::synth;

namespace {

// FNV-1a, 64 bit: an independent, fixed hash (std::hash is not portable).
struct Fnv1a {
  uint64_t h = 1469598103934665603ULL;
  void add(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  }
  void add(const std::string& s) { add(s.data(), s.size() + 1); }  // with the terminator: "ab","c" != "a","bc"
  void add(uint64_t v) { add(&v, sizeof v); }
};

// Frames of three videos per class at 64x48.
uint64_t frames_hash(const synth::DatasetKind& kind) {
  Fnv1a f;
  std::vector<uint8_t> rgb;
  for (int c = 0; c < static_cast<int>(kind.classes().size()); ++c) {
    for (const uint64_t seed : {11, 12, 13}) {
      const int n = synth::render_video(kind, seed, static_cast<uint64_t>(c) * 7 + seed, c, 64, 48, rgb);
      f.add(static_cast<uint64_t>(n));
      f.add(rgb.data(), rgb.size());
    }
  }
  return f.h;
}

// Ids, splits, classes and captions of the whole default-size dataset, seed 5.
uint64_t plan_hash(const synth::DatasetKind& kind) {
  Fnv1a f;
  for (const synth::VideoEntry& e : synth::plan_entries(kind, 5, kind.default_splits())) {
    f.add(e.id);
    f.add(e.split);
    f.add(e.index);
    f.add(static_cast<uint64_t>(e.label.class_index));
    for (const std::string& p : e.label.placeholders) f.add(p);
    f.add(e.label.caption);
  }
  return f.h;
}

}  // namespace

TEST_CASE("synth golden: the rendered frames of one video per class", "[synth]") {
  CHECK(frames_hash(*synth::make_dataset_kind("synth-ss")) == 0x8a60bb738cd91d5cULL);
  CHECK(frames_hash(*synth::make_dataset_kind("synth-kitchen")) == 0x305035175bd6d315ULL);
}

TEST_CASE("synth golden: ids, splits, classes and captions of the default datasets", "[synth]") {
  CHECK(plan_hash(*synth::make_dataset_kind("synth-ss")) == 0x9a0b3ef98f4fe236ULL);
  CHECK(plan_hash(*synth::make_dataset_kind("synth-kitchen")) == 0xe65399f02f7fec7aULL);
}
