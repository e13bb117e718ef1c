// Caption slots (data/metrics/caption_slots.h): lining a caption up with a
// template, and which of the acted-on object's attributes it names right,
// on hand-worked captions.
#include <catch2/catch.hpp>

#include "data/metrics/caption_slots.h"

using namespace grain::metrics;

namespace {

const std::vector<AttributeWords> kWords = {
    {"shape", {"square", "circle", "star", "ring"}, true, ""},
    {"colour", {"red", "blue", "green"}, false, ""},
    {"size", {"small", "big"}, false, ""},
    {"pattern", {"striped", "dotted", "plain"}, false, "plain"},
};

}  // namespace

TEST_CASE("caption slots: a caption lines up with a template's fixed words") {
  const SlotTemplate t = parse_slot_template("Putting [something] next to [something]");
  REQUIRE(t.slots() == 2);
  CHECK(t.fixed[0] == Tokens{"putting"});
  CHECK(t.fixed[1] == Tokens{"next", "to"});
  CHECK(t.fixed[2].empty());
  const auto slots = fill_slots(t, tokenize("putting a big red star next to a small ring"));
  REQUIRE(slots);
  CHECK((*slots)[0] == Tokens{"a", "big", "red", "star"});
  CHECK((*slots)[1] == Tokens{"a", "small", "ring"});
  CHECK_FALSE(fill_slots(t, tokenize("pushing a star next to a ring")));  // another action
  CHECK_FALSE(fill_slots(t, tokenize("putting next to a ring")));         // an empty slot
  CHECK_FALSE(fill_slots(t, tokenize("putting a star next to")));
  // A fixed run that reappears later: the backtracking finds the filling that lines up.
  const SlotTemplate u = parse_slot_template("Moving [something] and [something] so they pass each other");
  const auto two = fill_slots(u, tokenize("moving salt and pepper and a cup so they pass each other"));
  REQUIRE(two);
  CHECK((*two)[0] == Tokens{"salt"});
  CHECK((*two)[1] == Tokens{"pepper", "and", "a", "cup"});
  const SlotTemplate end = parse_slot_template("Tearing [something] into two pieces");
  CHECK(fill_slots(end, tokenize("tearing a red ring into two pieces")));
}

TEST_CASE("caption slots: the head noun, a spoken attribute, an unspoken one") {
  const Tokens slot = tokenize("a big striped red star");
  CHECK(slot_names_attribute(slot, kWords[0], "star"));
  CHECK_FALSE(slot_names_attribute(slot, kWords[0], "ring"));
  CHECK(slot_names_attribute(slot, kWords[1], "red"));
  CHECK_FALSE(slot_names_attribute(tokenize("a red blue star"), kWords[1], "red"));  // two colours: not named right
  CHECK(slot_names_attribute(slot, kWords[2], "big"));
  CHECK(slot_names_attribute(slot, kWords[3], "striped"));
  CHECK_FALSE(slot_names_attribute(slot, kWords[3], "plain"));
  CHECK(slot_names_attribute(tokenize("a big red star"), kWords[3], "plain"));
  CHECK_FALSE(slot_names_attribute(tokenize("a big red star"), kWords[3], "dotted"));
  CHECK(slot_names_attribute(tokenize("star"), kWords[0], "star"));  // a simplified caption's slot
}

TEST_CASE("caption slots: shares over captions, other templates tried, B's slot") {
  const std::vector<std::string> templates = {"Putting [something] next to [something]", "Pushing [something]"};
  const std::vector<std::string> own = {templates[0], templates[0], templates[1], templates[1]};
  const std::vector<std::string> captions = {
      "putting a big red star next to a ring",  // A right in every attribute (pattern plain)
      "putting a small blue star next to a ring",  // shape and (plain) pattern right; colour and size wrong
      "putting a big dotted green circle next to a star",  // the wrong action, the object right (another template)
      "waving at the camera",  // lines up with no template
  };
  using A = std::vector<std::pair<std::string, std::string>>;
  const std::vector<A> a = {
      {{"shape", "star"}, {"colour", "red"}, {"size", "big"}, {"pattern", "plain"}},
      {{"shape", "star"}, {"colour", "red"}, {"size", "big"}, {"pattern", "plain"}},
      {{"shape", "circle"}, {"colour", "green"}, {"size", "big"}, {"pattern", "dotted"}},
      {{"shape", "ring"}, {"colour", "red"}, {"size", "small"}, {"pattern", "plain"}},
  };
  const CaptionSlotShares s = caption_slot_shares(captions, own, a, templates, kWords);
  CHECK(s.captions == 4);
  CHECK(s.lined_up == Approx(75.0));
  CHECK(s.right.at("shape") == Approx(75.0));
  CHECK(s.right.at("colour") == Approx(50.0));
  CHECK(s.right.at("size") == Approx(50.0));
  CHECK(s.right.at("pattern") == Approx(75.0));  // plain in the first two (no pattern word), dotted in the third

  // B: only the two-slot template's videos count.
  const std::vector<A> b = {{{"shape", "ring"}}, {{"shape", "square"}}, {}, {}};
  const CaptionSlotShares sb = caption_slot_shares(captions, own, b, templates, {kWords[0]}, 1);
  CHECK(sb.captions == 2);
  CHECK(sb.right.at("shape") == Approx(50.0));
}
