// The template baseline (data/metrics/template_baseline.h) on hand-made training sets.
#include <catch2/catch.hpp>

#include "data/metrics/template_baseline.h"
#include "data/ssv2/template_text.h"

using namespace grain;
using namespace grain::metrics;
using data::CaptionView;

TEST_CASE("metrics/template baseline: most frequent placeholder per slot", "[metrics][baseline]") {
  TemplateBaseline b(CaptionView::kFull);
  b.add_training_example(2, "Putting [something] on [something]", {"pen", "table"});
  b.add_training_example(2, "Putting [something] on [something]", {"cup", "table"});
  b.add_training_example(2, "Putting [something] on [something]", {"pen", "chair"});
  b.add_training_example(2, "Putting [something] on [something]", {"only one"});  // count mismatch: ignored
  b.add_training_example(5, "Squeezing [something]", {"Sponge"});
  b.add_training_example(5, "Squeezing [something]", {"ball"});  // tie 1:1 -> "ball" < "sponge" (lower-cased)
  CHECK(b.caption(2) == "putting pen on table");
  CHECK(b.caption(5) == "squeezing ball");
  CHECK(b.caption(7, "Folding something") == "folding something");  // unseen category
}

TEST_CASE("metrics/template baseline: simplified objects are reduced first, then counted", "[metrics][baseline]") {
  // Slot 1 as written: pen 2, red cup 1, blue cup 1, green cup 1; by last
  // word: cup 3, pen 2. Reducing the most frequent full phrase would say
  // "pen"; the most frequent simplified object is "cup".
  // Slot 2 as written, lower-cased: all five differ, "a box" is the
  // smallest; by last word: ball 3 (two of them with a trailing space, which
  // last_word ignores), box 2 ("Box" and "box" are one word, as in the
  // lower-case references).
  const char* first[] = {"pen", "red cup", "pen", "blue cup", "green cup"};
  const char* second[] = {"the Box", "a box", "a red ball ", "blue ball ", "ball"};
  std::vector<data::VideoLabel> train;
  for (int i = 0; i < 5; ++i) {
    data::VideoLabel v;
    v.category = 4;
    v.template_name = "Holding [something] next to [something]";
    v.placeholders = {first[i], second[i]};
    train.push_back(v);
  }
  const TemplateBaseline full = template_baseline(CaptionView::kFull, train);
  const TemplateBaseline simplified = template_baseline(CaptionView::kSimplified, train);
  CHECK(full.caption(4) == "holding pen next to a box");
  CHECK(simplified.caption(4) == "holding cup next to ball");
  // The caption is the simplified caption of its fills, as the references are.
  CHECK(simplified.caption(4) == data::simplified_caption("Holding [something] next to [something]", {"cup", "ball"}));
  CHECK(simplified.captions() == CaptionView::kSimplified);
  CHECK(simplified.caption(9, "Holding something") == "holding something");  // unseen category

  // Case: "Pen" and "pen" are one object in full captions too (pen 3 against
  // ball 2; counted as written it would be a 2:2 tie won by "ball").
  TemplateBaseline cased(CaptionView::kFull);
  for (const char* object : {"pen", "ball", "Pen", "ball", "pen"})
    cased.add_training_example(1, "Squeezing [something]", {object});
  CHECK(cased.caption(1) == "squeezing pen");
  CHECK_THROWS_AS(TemplateBaseline(CaptionView::kNone), std::invalid_argument);
}

TEST_CASE("metrics/template fill", "[metrics][baseline]") {
  CHECK(fill_template("Stacking [number of] [something]", {"3", "Coins"}) == "stacking 3 coins");
  CHECK(fill_template("Holding [something] next to [something]", {"pen"}) == "holding pen next to something");
  CHECK(fill_template("Doing other things", {}) == "doing other things");
}
