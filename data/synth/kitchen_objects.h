// The utensils and foods of synth-kitchen, and how each is drawn.
//
// Design decision: utensils are long thin objects in their own frame (the
// handle towards -x, the working end towards +x) with named working points,
// so the scripts can put "the fork's tines on the tomato" without knowing
// the drawing; foods are round-ish blobs whose head noun ends their phrase.
// None of these shapes or names occurs in synth-ss.
#pragma once

#include <string>

#include "random.h"
#include "sprite.h"

namespace grain::data::synth {

enum class Utensil { kFork, kSpoon, kKnife, kTongs };
constexpr int kNumUtensils = 4;
constexpr int kNumFoods = 7;

/// "fork", "spoon", "knife", "tongs".
std::string utensil_name(Utensil u);
/// Food phrase, e.g. "a slice of bread"; its last word is the head noun.
std::string food_phrase(int food);

/// Look of a utensil (for tongs: one arm, hinge at the origin); extent in units.
Paint utensil_paint(Utensil u, Rng& rng);
float utensil_extent(Utensil u);
/// Local point the hand holds.
Vec2 utensil_handle(Utensil u);
/// Local point that touches the food (tines, bowl, blade middle, tongs' tips).
Vec2 utensil_tip(Utensil u);

/// Look of a food; radius about 0.9 units, extent 1.1.
Paint food_paint(int food, Rng& rng);

}  // namespace grain::data::synth
