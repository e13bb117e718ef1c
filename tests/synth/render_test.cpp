// The renderer and the scenes: determinism, frame sizes and lengths, motion
// present in every class, and the deterministic trigonometry.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "data/synth/choreography.h"
#include "data/synth/dataset_kind.h"
#include "data/synth/dataset_writer.h"
#include "data/synth/geometry.h"
#include "data/synth/renderer.h"

namespace synth = grain::data::synth;

TEST_CASE("synth: det_sincos matches libm to float precision", "[synth]") {
  for (float a = -20.0f; a <= 20.0f; a += 0.0137f) {
    float s, c;
    synth::det_sincos(a, &s, &c);
    CHECK(std::fabs(s - std::sin(a)) < 2e-6f);
    CHECK(std::fabs(c - std::cos(a)) < 2e-6f);
  }
}

TEST_CASE("synth: tracks hold before the first key, ease between keys, hold after the last", "[synth]") {
  synth::Track t(5.0f);
  CHECK(t.at(3.0f) == 5.0f);
  t.key(10.0f, 0.0f, synth::Ease::kStep);
  t.key(20.0f, 10.0f, synth::Ease::kLinear);
  CHECK(t.at(9.0f) == 5.0f);
  CHECK(t.at(10.0f) == 0.0f);
  CHECK(t.at(15.0f) == Approx(5.0f));
  CHECK(t.at(25.0f) == 10.0f);
  t.key(30.0f, 0.0f, synth::Ease::kSmooth);
  CHECK(t.at(25.0f) == Approx(5.0f));  // smoothstep is symmetric about the middle
}

TEST_CASE("synth: every class renders 2-5 s videos that change over time, identically twice", "[synth]") {
  for (const std::string& name : synth::dataset_kind_names()) {
    const auto kind = synth::make_dataset_kind(name);
    const int classes = static_cast<int>(kind->classes().size());
    for (int c = 0; c < classes; ++c) {
      INFO(name << " class " << c << ": " << kind->classes()[static_cast<size_t>(c)].template_text);
      std::vector<uint8_t> a, b;
      const int n = synth::render_video(*kind, 4, 1000 + static_cast<uint64_t>(c), c, 64, 48, a);
      CHECK(n >= 24);
      CHECK(n <= 60);
      REQUIRE(a.size() == static_cast<size_t>(n) * 64 * 48 * 3);
      REQUIRE(synth::render_video(*kind, 4, 1000 + static_cast<uint64_t>(c), c, 64, 48, b) == n);
      CHECK(a == b);
      // Something moves: the first and last frames differ by more than the noise.
      const size_t fb = 64 * 48 * 3;
      double diff = 0;
      for (size_t i = 0; i < fb; ++i)
        diff += std::abs(static_cast<int>(a[i]) - static_cast<int>(a[(static_cast<size_t>(n) - 1) * fb + i]));
      CHECK(diff / static_cast<double>(fb) > 1.0);
    }
  }
}

TEST_CASE("synth: a scene has distractors and the hand appears except when the camera moves", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-ss");
  for (int c = 0; c < static_cast<int>(kind->classes().size()); ++c) {
    const std::string t = kind->classes()[static_cast<size_t>(c)].template_text;
    INFO(t);
    for (uint64_t i = 0; i < 4; ++i) {
      const synth::Scene s = kind->scene(8, i, c, 128, 96);
      CHECK(s.items.size() >= 2);  // the named object(s) plus at least one distractor
      bool hand = false;
      for (const auto& h : s.hand) hand |= h.visible;
      const bool camera = t.find("camera") != std::string::npos;
      CHECK(hand == !camera);
    }
  }
}

TEST_CASE("synth: render_frame writes every byte of the frame", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-kitchen");
  const synth::Scene s = kind->scene(1, 2, 3, 96, 72);
  std::vector<uint8_t> a(96 * 72 * 3, 0), b(96 * 72 * 3, 255);
  synth::render_frame(s, 5, a.data());
  synth::render_frame(s, 5, b.data());
  CHECK(a == b);
}
