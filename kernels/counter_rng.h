// defines: grain::kernels::kSplitMix64Gamma, splitmix64_finalize, mix64,
//          counter_uniform, SplitMix64, fnv1a64 and the seed derivations:
//          step_seed, parameter_seed, dropout_seed, loader_seed,
//          loader_order_seed, synth_stream_seed (kSynth*Purpose),
//          noise_frame_seed, few_shot_draw_seed, information_fold_seed
//
// The project's one random-number source, header-only so that data/ can use
// it without linking the engine. Everything is built on SplitMix64 (Steele,
// Lea, Flood 2014): a state advanced by a fixed odd constant and a bijective
// finaliser of that state.
//  - Counter-based draws: the value at (seed, counter) is a pure function of
//    both, so the CPU and the CUDA backends draw bitwise the same dropout
//    masks and initialisations, any element can be regenerated without
//    replaying a stream, and work can be split across threads freely.
//  - Streams (SplitMix64): the data pipeline's sequential draws (loader
//    windows and crops, the synthetic scenes), each seeded by a hash of the
//    numbers that identify it, never by shared state.
//  - Seed derivations: one named function per purpose, at the end of this
//    file, each the one home of its formula. Generated datasets, the loader's
//    order, windows and crops, initial weights, dropout masks and few-shot
//    draws depend on these formulas bit for bit, so they never change
//    silently: tests/kernels/test_seed_derivations.cpp pins values of each.
// Bounded draws use Lemire's multiply-shift with rejection (unbiased) and
// integer arithmetic only, never <random>'s distributions, whose results
// differ between standard libraries: every value here is the same on every
// machine and backend.
#pragma once

#include <cstdint>
#include <string_view>

#if defined(__CUDACC__)
#define GRAIN_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define GRAIN_HOST_DEVICE inline
#endif

namespace grain::kernels {

/// SplitMix64's state increment: 2^64 / golden ratio, rounded to odd.
inline constexpr uint64_t kSplitMix64Gamma = 0x9e3779b97f4a7c15ULL;

/// SplitMix64's finaliser: a bijective 64-bit mix of a stream state.
GRAIN_HOST_DEVICE constexpr uint64_t splitmix64_finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// One SplitMix64 step from state z: splitmix64_finalize(z + gamma). The hash
/// used to derive seeds from seeds.
GRAIN_HOST_DEVICE constexpr uint64_t mix64(uint64_t z) { return splitmix64_finalize(z + kSplitMix64Gamma); }

/// Uniform in [0, 1) with 53 random bits: the same double on every backend.
GRAIN_HOST_DEVICE double counter_uniform(uint64_t seed, uint64_t counter) {
  const uint64_t bits = mix64(mix64(seed) ^ counter);
  return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0);
}

/// A SplitMix64 stream: next() returns splitmix64_finalize(seed + k * gamma) for k = 1, 2, ...
class SplitMix64 {
 public:
  explicit constexpr SplitMix64(uint64_t seed) : state_(seed) {}

  /// Next 64 random bits.
  constexpr uint64_t next() {
    state_ += kSplitMix64Gamma;
    return splitmix64_finalize(state_);
  }

  /// Uniform integer in [0, n); 0 when n <= 1. Lemire's multiply-shift: the
  /// high word of next() * n, redrawn when the low word falls in the 2^64 mod n
  /// values that would favour some results.
  constexpr uint64_t below(uint64_t n) {
    if (n <= 1) return 0;
    const uint64_t reject_under = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
      if (static_cast<uint64_t>(m) >= reject_under) return static_cast<uint64_t>(m >> 64);
    }
  }

 private:
  uint64_t state_;
};

/// FNV-1a's 64-bit offset basis (14695981039346656037).
inline constexpr uint64_t kFnv1a64Basis = 0xcbf29ce484222325ULL;

/// FNV-1a, 64 bits, of the bytes of `text` from offset basis `basis`: a fixed
/// hash of a name or an id (std::hash differs between standard libraries).
constexpr uint64_t fnv1a64(std::string_view text, uint64_t basis = kFnv1a64Basis) {
  uint64_t h = basis;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

// ---- Seed derivations, one per purpose ------------------------------------
// Each returns the seed of one stream or one counter-based draw from the
// numbers that identify it. Where two purposes share a formula, their inputs
// differ (a step seed is not a model seed; a layer name is not a parameter
// name), so their streams differ too.

/// The seed of training step `step` of a run seeded with `seed`: the step's
/// ForwardContext::seed, from which each dropout layer derives its mask
/// (dropout_seed). Distinct steps give unrelated seeds.
GRAIN_HOST_DEVICE constexpr uint64_t step_seed(uint64_t seed, int64_t step) {
  return mix64(seed * kSplitMix64Gamma + static_cast<uint64_t>(step));
}

namespace detail {
/// The offset basis of the name hash under parameter_seed and dropout_seed:
/// FNV-1a's basis without its last digit, 1469598103934665603. Not the
/// standard one, but every initial weight and dropout mask depends on it.
inline constexpr uint64_t kNameHashBasis = 1469598103934665603ULL;

/// The formula under parameter_seed and dropout_seed:
/// mix64(fnv1a64(name, kNameHashBasis) ^ mix64(seed)).
constexpr uint64_t named_seed(uint64_t seed, std::string_view name) {
  return mix64(fnv1a64(name, kNameHashBasis) ^ mix64(seed));
}
}  // namespace detail

/// The counter-based seed of the initial values of parameter `name` (e.g.
/// "encoder.cnn3d.conv1.conv.weight") in a model initialised with `seed`
/// (layers/init.h): a pure function of the two, never of declaration order.
constexpr uint64_t parameter_seed(uint64_t seed, std::string_view name) { return detail::named_seed(seed, name); }

/// The counter-based seed of the mask of the dropout layer `layer_name` in
/// the step whose seed is `context_seed` (ForwardContext::seed: step_seed() in
/// training).
constexpr uint64_t dropout_seed(uint64_t context_seed, std::string_view layer_name) {
  return detail::named_seed(context_seed, layer_name);
}

/// The seed of the SplitMix64 stream that draws the temporal window and the
/// crop of video `index` in epoch `epoch` of a loader seeded with `seed`
/// (data/loader): any sample can be redrawn alone from these three numbers.
constexpr uint64_t loader_seed(uint64_t seed, uint64_t epoch, uint64_t index) {
  return mix64(mix64(mix64(seed) ^ epoch) ^ index);
}

/// The seed of the SplitMix64 stream that shuffles the videos of epoch
/// `epoch` (data/common/rng.h, shuffled_indices): loader_seed at index
/// 2^64 - 1, which no video has.
constexpr uint64_t loader_order_seed(uint64_t seed, uint64_t epoch) { return loader_seed(seed, epoch, ~0ULL); }

/// Odd multiplier spreading synth_stream_seed's purpose codes over the 64-bit range before mixing.
inline constexpr uint64_t kSynthPurposeStride = 0x632be59bd9b4e019ULL;
/// synth_stream_seed purposes. kSynthPlanPurpose: a video's plan (the
/// class's choices: objects, words, variants); kSynthScenePurpose: its scene
/// (placement, motion, lighting, the noise seed); kSynthClassOrderPurpose +
/// split code (0 train, 1 validation, 2 test), with the block number as the
/// index: the order of the classes in one block of a split.
inline constexpr uint64_t kSynthPlanPurpose = 1;
inline constexpr uint64_t kSynthScenePurpose = 2;
inline constexpr uint64_t kSynthClassOrderPurpose = 100;

/// The seed of the synthetic generator's stream for (dataset seed, video
/// index, purpose) (data/synth): a video's content never depends on another
/// video's draws, and distinct purposes give independent streams for the
/// same video.
constexpr uint64_t synth_stream_seed(uint64_t seed, uint64_t index, uint64_t purpose) {
  return splitmix64_finalize(splitmix64_finalize(splitmix64_finalize(seed ^ kSplitMix64Gamma) + index) +
                             purpose * kSynthPurposeStride);
}

/// The hash that places frame `frame` of a synthetic video in the renderer's
/// noise table (its value modulo the table size is the offset), from the
/// scene's `noise_seed`: value `frame`, counted from 0, of the SplitMix64
/// stream whose state starts at noise_seed.
constexpr uint64_t noise_frame_seed(uint64_t noise_seed, uint64_t frame) {
  return splitmix64_finalize(noise_seed + frame * kSplitMix64Gamma);
}

/// The seed of run `run` of the k-shot draws of a transfer protocol seeded
/// with `seed` (experiments/few_shot.h): it keys the draw of the training
/// videos and seeds that run's probe.
constexpr uint64_t few_shot_draw_seed(uint64_t seed, int64_t run, int64_t k) {
  return mix64(mix64(mix64(seed) ^ static_cast<uint64_t>(run)) ^ (static_cast<uint64_t>(k) << 32));
}

/// The seed of the permutation that cuts a probe split into the information
/// probe's cross-validation folds (experiments/information_probe.h); the
/// same for every encoder probed with the same seed.
constexpr uint64_t information_fold_seed(uint64_t seed) { return mix64(seed ^ 0x1f0d5eedULL); }

}  // namespace grain::kernels
