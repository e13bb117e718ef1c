// Hand-worked METEOR cases (alpha 0.85, beta 0.2, gamma 0.6, delta 0.75,
// weights exact 1.0, stem 0.6; "from", "to", "the", "on" are function words).
#include <catch2/catch.hpp>

#include <cmath>

#include "data/metrics/meteor.h"

using namespace grain::metrics;

TEST_CASE("metrics/meteor: identical captions score 1", "[metrics][meteor]") {
  const Tokens t = split_spaces("pushing cup from left to right");
  const MeteorStats s = meteor_stats(t, t);
  CHECK(s.test_function_words == 2);
  CHECK(s.chunks == 1);
  CHECK(meteor_score(s) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("metrics/meteor: word order costs through the fragmentation penalty", "[metrics][meteor]") {
  // Both words match exactly but cross: 2 chunks over 2 matches, frag = 1,
  // penalty 0.6 * 1^0.2 = 0.6, Fmean = 1 -> 0.4.
  const MeteorStats s = meteor_stats(split_spaces("cup pushing"), split_spaces("pushing cup"));
  CHECK(s.chunks == 2);
  CHECK(meteor_score(s) == Approx(0.4).epsilon(1e-12));
}

TEST_CASE("metrics/meteor: stem matches count with weight 0.6", "[metrics][meteor]") {
  // pushed~pushing, cups~cup: P = R = 0.6, one chunk covering everything -> no penalty.
  const MeteorStats s = meteor_stats(split_spaces("pushed cups"), split_spaces("pushing cup"));
  CHECK(s.test_content_matches[1] == 2);
  CHECK(s.test_content_matches[0] == 0);
  CHECK(meteor_score(s) == Approx(0.6).epsilon(1e-12));
}

TEST_CASE("metrics/meteor: function words weigh 1 - delta", "[metrics][meteor]") {
  // hyp "the cup", ref "the cup on table": P = 1; R = (0.75 + 0.25) / (0.75*2 + 0.25*2) = 0.5;
  // Fmean = 1 / (0.15/1 + 0.85/0.5) = 1/1.85; 1 chunk over 2 matches: frag 0.5.
  const double expected = (1 / 1.85) * (1 - 0.6 * std::pow(0.5, 0.2));
  CHECK(meteor_score(meteor_stats(split_spaces("the cup"), split_spaces("the cup on table"))) ==
        Approx(expected).epsilon(1e-12));
}

TEST_CASE("metrics/meteor: empty hypothesis scores 0", "[metrics][meteor]") {
  CHECK(meteor_score(meteor_stats({}, split_spaces("pushing cup"))) == 0.0);
  CHECK(meteor_score(meteor_stats(split_spaces("x y"), split_spaces("pushing cup"))) == 0.0);
}

TEST_CASE("metrics/meteor: the system score comes from summed statistics", "[metrics][meteor]") {
  // Sum of the two pairs above: 4 test words, 2 exact + 2 stem matches.
  // P = R = (2*0.75 + 2*0.6*0.75) / (4*0.75) = 0.8. Chunks: 2 from the crossed
  // pair; the stem pair is matched whole in one chunk, which the reference's
  // aggregation does not count: frag = 2 / 4. meteor-1.5.jar (EVAL on these two
  // pairs, -m "exact stem" -w "1.0 0.6") printed 0.38213572961786046.
  const MeteorResult r = corpus_meteor({split_spaces("cup pushing"), split_spaces("pushed cups")},
                                       {split_spaces("pushing cup"), split_spaces("pushing cup")});
  CHECK(r.per_caption[0] == Approx(0.4).epsilon(1e-12));
  CHECK(r.per_caption[1] == Approx(0.6).epsilon(1e-12));
  CHECK(r.score == Approx(0.8 * (1 - 0.6 * std::pow(0.5, 0.2))).epsilon(1e-12));
  CHECK(std::abs(r.score - 0.38213572961786046) <= 1e-12);
}
