// The objects of synth-ss: shape x colour x size x pattern, their phrases and looks.
//
// Design decision: an object is fully described by four attributes, and its
// placeholder phrase names all four ("a big striped red star"), so telling
// one object from another in a caption needs colour, shape, size and pattern
// from the pixels. The simplified-object caption keeps the head noun, which
// is always the shape name.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "random.h"
#include "sprite.h"

namespace grain::data::synth {

enum class Shape { kSquare, kCircle, kTriangle, kStar, kRing, kCross, kDiamond, kBar };
enum class Colour { kRed, kGreen, kBlue, kYellow, kPurple, kOrange, kWhite, kBlack };
enum class Size { kSmall, kBig };
enum class Pattern { kPlain, kStriped, kDotted };

constexpr int kNumShapes = 8, kNumColours = 8, kNumSizes = 2, kNumPatterns = 3;

struct ObjectSpec {
  Shape shape = Shape::kSquare;
  Colour colour = Colour::kRed;
  Size size = Size::kSmall;
  Pattern pattern = Pattern::kPlain;
  bool operator==(const ObjectSpec&) const = default;
};

/// Full placeholder phrase: article + size + pattern (omitted when plain) + colour + shape.
std::string phrase(const ObjectSpec& o);
/// The shape's name, the phrase's last word ("star").
std::string shape_name(Shape s);
std::string colour_name(Colour c);
std::string size_name(Size s);        // "small", "big"
std::string pattern_name(Pattern p);  // "plain", "striped", "dotted"
/// The four attributes in attributes.json's order: shape, colour, size, pattern.
std::vector<std::pair<std::string, std::string>> object_attributes(const ObjectSpec& o);
/// Reference RGB of a colour name (0..1).
Rgb colour_rgb(Colour c);

/// A uniformly random object.
ObjectSpec random_object(Rng& rng);
/// A distractor that shares one or two attributes with o but is not o, so that
/// telling them apart needs the others.
ObjectSpec confusable_object(Rng& rng, const ObjectSpec& o);
/// True when turning the object is visible (not a plain circle or ring).
bool shows_rotation(const ObjectSpec& o);

/// Signed distance to the shape, radius about 1 in shape units.
float shape_distance(Shape s, Vec2 p);
/// The object's look: shape filled with its colour (slightly jittered per
/// video by rng), its pattern, and a thin darker rim; extent 1.1 units.
Paint object_paint(const ObjectSpec& o, Rng& rng);

}  // namespace grain::data::synth
