// The seed derivations of kernels/counter_rng.h, one per purpose, pinned.
//
// Generated datasets, the loader's order, windows and crops, initial weights,
// dropout masks and few-shot draws depend on these formulas bit for bit. The
// expected values were computed once from the formulas as they stood at their
// former homes (data/common/rng.h derive_seed, data/synth/random.h
// stream_seed, experiments/few_shot.cpp draw_seed, layers/init.cpp name_seed,
// data/synth/renderer.cpp's noise offset) and again by an independent
// implementation in Python's integers; both agreed. A change of any formula
// fails here: when one is intended, the new values go in with the change that
// explains it (and the golden datasets and fixtures are regenerated).
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "kernels/counter_rng.h"

namespace kernels = grain::kernels;

TEST_CASE("seed derivations: step_seed is pinned", "[kernels][rng]") {
  CHECK(kernels::step_seed(0, 0) == 16294208416658607535ULL);
  CHECK(kernels::step_seed(42, 3) == 13037259226349459439ULL);
}

TEST_CASE("seed derivations: parameter_seed and dropout_seed are pinned", "[kernels][rng]") {
  CHECK(kernels::parameter_seed(0, "") == 7746700682269596633ULL);
  CHECK(kernels::parameter_seed(42, "encoder.cnn3d.conv1.conv.weight") == 8327020033155874323ULL);
  CHECK(kernels::dropout_seed(42, "dropout") == 9891176842702158679ULL);
  // The name hash's basis is FNV-1a's without its last digit (see kNameHashBasis).
  CHECK(kernels::fnv1a64("", kernels::detail::kNameHashBasis) == 1469598103934665603ULL);
}

TEST_CASE("seed derivations: loader_seed and loader_order_seed are pinned", "[kernels][rng]") {
  CHECK(kernels::loader_seed(0, 0, 0) == 2558736989570252433ULL);
  CHECK(kernels::loader_seed(42, 3, 17) == 11412059272541287833ULL);
  CHECK(kernels::loader_order_seed(42, 3) == 12075788892631996675ULL);
  CHECK(kernels::loader_order_seed(42, 3) == kernels::loader_seed(42, 3, ~0ULL));
}

TEST_CASE("seed derivations: synth_stream_seed and its purposes are pinned", "[kernels][rng]") {
  CHECK(kernels::synth_stream_seed(0, 0, 0) == 3746585686858627171ULL);
  CHECK(kernels::synth_stream_seed(42, 17, kernels::kSynthPlanPurpose) == 10604551183215883569ULL);
  CHECK(kernels::synth_stream_seed(42, 17, kernels::kSynthScenePurpose) == 7896012974108543290ULL);
  CHECK(kernels::synth_stream_seed(42, 3, kernels::kSynthClassOrderPurpose + 1) == 2315609168740945946ULL);
  // The purpose codes the generated datasets were made with.
  CHECK(kernels::kSynthPlanPurpose == 1);
  CHECK(kernels::kSynthScenePurpose == 2);
  CHECK(kernels::kSynthClassOrderPurpose == 100);
}

TEST_CASE("seed derivations: noise_frame_seed is pinned", "[kernels][rng]") {
  CHECK(kernels::noise_frame_seed(0, 0) == 0);  // the finaliser maps 0 to 0
  CHECK(kernels::noise_frame_seed(12345, 7) == 2262534019502804546ULL);
  // Value t of the stream from state noise_seed, counting from 0: next() returns value 1 first.
  kernels::SplitMix64 stream(12345);
  for (uint64_t t = 1; t <= 3; ++t) CHECK(kernels::noise_frame_seed(12345, t) == stream.next());
}

TEST_CASE("seed derivations: few_shot_draw_seed and fnv1a64 are pinned", "[kernels][rng]") {
  CHECK(kernels::few_shot_draw_seed(0, 0, 1) == 11404309428075393901ULL);
  CHECK(kernels::few_shot_draw_seed(42, 3, 5) == 18314503951249373053ULL);
  // FNV-1a's published test vectors.
  CHECK(kernels::fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(kernels::fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(kernels::fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("seed derivations: information_fold_seed is pinned", "[kernels][rng]") {
  // mix64(seed ^ 0x1f0d5eed), computed independently in Python integers.
  CHECK(kernels::information_fold_seed(0) == 0x47ec88c13f4ea239ULL);
  CHECK(kernels::information_fold_seed(7) == 0x878d54dfc9989856ULL);
}

TEST_CASE("seed derivations: distinct purposes and arguments give distinct seeds", "[kernels][rng]") {
  // The same numbers fed to every derivation: no two purposes may share a stream.
  const uint64_t seed = 42, a = 3, b = 17;
  const std::vector<uint64_t> seeds{
      kernels::step_seed(seed, static_cast<int64_t>(a)),
      kernels::parameter_seed(seed, "w"),
      kernels::loader_seed(seed, a, b),
      kernels::loader_order_seed(seed, a),
      kernels::synth_stream_seed(seed, a, kernels::kSynthPlanPurpose),
      kernels::synth_stream_seed(seed, a, kernels::kSynthScenePurpose),
      kernels::synth_stream_seed(seed, a, kernels::kSynthClassOrderPurpose),
      kernels::synth_stream_seed(seed, a, kernels::kSynthClassOrderPurpose + 1),
      kernels::synth_stream_seed(seed, a, kernels::kSynthClassOrderPurpose + 2),
      kernels::noise_frame_seed(seed, a),
      kernels::few_shot_draw_seed(seed, static_cast<int64_t>(a), static_cast<int64_t>(b)),
  };
  CHECK(std::set<uint64_t>(seeds.begin(), seeds.end()).size() == seeds.size());

  // Dropout shares parameter_seed's formula; their inputs differ: a step seed, a layer name.
  CHECK(kernels::dropout_seed(kernels::step_seed(seed, 0), "dropout") != kernels::parameter_seed(seed, "dropout"));
  CHECK(kernels::dropout_seed(kernels::step_seed(seed, 0), "dropout") !=
        kernels::dropout_seed(kernels::step_seed(seed, 1), "dropout"));

  // Each argument matters.
  CHECK(kernels::loader_seed(seed, a, b) != kernels::loader_seed(seed + 1, a, b));
  CHECK(kernels::loader_seed(seed, a, b) != kernels::loader_seed(seed, a + 1, b));
  CHECK(kernels::loader_seed(seed, a, b) != kernels::loader_seed(seed, a, b + 1));
  CHECK(kernels::loader_seed(seed, a, b) != kernels::loader_seed(seed, b, a));
  CHECK(kernels::synth_stream_seed(seed, a, 1) != kernels::synth_stream_seed(seed + 1, a, 1));
  CHECK(kernels::synth_stream_seed(seed, a, 1) != kernels::synth_stream_seed(seed, a + 1, 1));
  CHECK(kernels::few_shot_draw_seed(seed, 1, 5) != kernels::few_shot_draw_seed(seed, 2, 5));
  CHECK(kernels::few_shot_draw_seed(seed, 1, 5) != kernels::few_shot_draw_seed(seed, 1, 10));
  CHECK(kernels::parameter_seed(seed, "conv1.weight") != kernels::parameter_seed(seed, "conv1.bias"));
  CHECK(kernels::parameter_seed(seed, "w") != kernels::parameter_seed(seed + 1, "w"));
  CHECK(kernels::noise_frame_seed(seed, 0) != kernels::noise_frame_seed(seed, 1));

  // And the streams they seed start differently.
  std::set<uint64_t> first_values;
  for (const uint64_t s : seeds) first_values.insert(kernels::SplitMix64(s).next());
  CHECK(first_values.size() == seeds.size());
}
