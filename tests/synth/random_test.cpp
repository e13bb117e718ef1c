// The random numbers under the synthetic datasets (kernels/counter_rng.h and
// data/synth/random.h): the SplitMix64 reference sequence, unbiased bounded
// draws, and the seed formulas other code relies on.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "data/synth/random.h"
#include "kernels/counter_rng.h"

namespace kernels = grain::kernels;
namespace synth = grain::data::synth;

TEST_CASE("synth: SplitMix64 follows the reference sequence (splitmix64.c, seed 1234567)", "[synth]") {
  const uint64_t expected[] = {6457827717110365317ULL, 3203168211198807973ULL, 9817491932198370423ULL,
                               4593380528125082431ULL, 16408922859458223821ULL};
  kernels::SplitMix64 stream(1234567);
  for (uint64_t e : expected) CHECK(stream.next() == e);
  synth::Rng rng(1234567);
  for (uint64_t e : expected) CHECK(rng.next_u64() == e);
  // mix64 is one step from a state; step_seed is mix64 of seed * gamma + step.
  CHECK(kernels::mix64(1234567) == expected[0]);
  CHECK(kernels::step_seed(0, 1234567) == expected[0]);
  CHECK(kernels::step_seed(3, 9) == kernels::SplitMix64(3 * kernels::kSplitMix64Gamma + 9).next());
}

TEST_CASE("synth: SplitMix64::below is unbiased where plain multiply-shift is not", "[synth]") {
  // For n = 3 * 2^62 the high word of x * n alone gives multiples of 3 half of
  // the time (two x map to each of them); unbiased draws give them a third.
  const uint64_t n = 3ULL << 62;
  const int draws = 30000;
  kernels::SplitMix64 stream(7);
  int multiples = 0;
  for (int i = 0; i < draws; ++i) {
    const uint64_t v = stream.below(n);
    REQUIRE(v < n);
    multiples += v % 3 == 0;
  }
  // Standard deviation of the fraction: sqrt(2/9 / 30000) = 0.0027; 0.015 is over 5 of them.
  CHECK(static_cast<double>(multiples) / draws == Approx(1.0 / 3.0).margin(0.015));
  CHECK(stream.below(0) == 0);
  CHECK(stream.below(1) == 0);
}

TEST_CASE("synth: Rng::below and between cover their range evenly", "[synth]") {
  synth::Rng rng(11);
  const int n = 7, draws = 70000;
  std::vector<int> counts(n, 0);
  for (int i = 0; i < draws; ++i) {
    const int v = rng.below(n);
    REQUIRE(v >= 0);
    REQUIRE(v < n);
    ++counts[static_cast<size_t>(v)];
  }
  // Each count is binomial(70000, 1/7): mean 10000, standard deviation 92.6.
  for (int c : counts) CHECK(c == Approx(10000).margin(500));
  for (int i = 0; i < 1000; ++i) {
    const int v = rng.between(-2, 2);
    REQUIRE(v >= -2);
    REQUIRE(v <= 2);
  }
}
