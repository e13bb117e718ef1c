// The template baseline on a hand-made training set.
#include <catch2/catch.hpp>

#include "data/metrics/template_baseline.h"

using namespace grain::metrics;

TEST_CASE("metrics/template baseline: most frequent placeholder per slot", "[metrics][baseline]") {
  TemplateBaseline b;
  b.add_training_example(2, "Putting [something] on [something]", {"pen", "table"});
  b.add_training_example(2, "Putting [something] on [something]", {"cup", "table"});
  b.add_training_example(2, "Putting [something] on [something]", {"pen", "chair"});
  b.add_training_example(2, "Putting [something] on [something]", {"only one"});  // count mismatch: ignored
  b.add_training_example(5, "Squeezing [something]", {"Sponge"});
  b.add_training_example(5, "Squeezing [something]", {"ball"});  // tie 1:1 -> "Sponge" < "ball" (byte order)
  CHECK(b.caption(2) == "putting pen on table");
  CHECK(b.caption(5) == "squeezing sponge");
  CHECK(b.caption(7, "Folding something") == "folding something");  // unseen category
}

TEST_CASE("metrics/template helpers", "[metrics][baseline]") {
  CHECK(template_slot_count("Stacking [number of] [something]") == 2);
  CHECK(fill_template("Stacking [number of] [something]", {"3", "Coins"}) == "stacking 3 coins");
  CHECK(fill_template("Holding [something] next to [something]", {"pen"}) == "holding pen next to something");
}
