// Object attributes, names, SDFs and patterns for synth-ss.
#include "object_spec.h"

#include <cmath>
#include <vector>

namespace grain::data::synth {
namespace {

const std::array<const char*, kNumShapes> kShapeNames = {"square", "circle", "triangle", "star",
                                                         "ring",   "cross",  "diamond",  "bar"};
const std::array<const char*, kNumColours> kColourNames = {"red",    "green",  "blue",  "yellow",
                                                           "purple", "orange", "white", "black"};
const std::array<Rgb, kNumColours> kColourRgb = {{{0.80f, 0.13f, 0.12f},
                                                  {0.16f, 0.62f, 0.22f},
                                                  {0.14f, 0.28f, 0.82f},
                                                  {0.93f, 0.82f, 0.15f},
                                                  {0.52f, 0.20f, 0.64f},
                                                  {0.96f, 0.52f, 0.10f},
                                                  {0.94f, 0.94f, 0.92f},
                                                  {0.09f, 0.09f, 0.10f}}};

const std::vector<Vec2>& polygon_of(Shape s) {
  static const std::vector<Vec2> square = {{-0.8f, -0.8f}, {0.8f, -0.8f}, {0.8f, 0.8f}, {-0.8f, 0.8f}};
  static const std::vector<Vec2> triangle = radial_polygon(3, 1.05f, 0.0f, false);
  static const std::vector<Vec2> star = radial_polygon(5, 1.08f, 0.46f, true);
  static const std::vector<Vec2> cross = {{-0.3f, -0.95f}, {0.3f, -0.95f}, {0.3f, -0.3f}, {0.95f, -0.3f},
                                          {0.95f, 0.3f},   {0.3f, 0.3f},   {0.3f, 0.95f}, {-0.3f, 0.95f},
                                          {-0.3f, 0.3f},   {-0.95f, 0.3f}, {-0.95f, -0.3f}, {-0.3f, -0.3f}};
  static const std::vector<Vec2> diamond = {{0.0f, -1.05f}, {0.72f, 0.0f}, {0.0f, 1.05f}, {-0.72f, 0.0f}};
  switch (s) {
    case Shape::kTriangle: return triangle;
    case Shape::kStar: return star;
    case Shape::kCross: return cross;
    case Shape::kDiamond: return diamond;
    default: return square;
  }
}

Rgb scale(Rgb c, float k) { return {c.r * k, c.g * k, c.b * k}; }
Rgb mix(Rgb a, Rgb b, float t) { return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t}; }

}  // namespace

std::string shape_name(Shape s) { return kShapeNames[static_cast<size_t>(s)]; }
std::string colour_name(Colour c) { return kColourNames[static_cast<size_t>(c)]; }
Rgb colour_rgb(Colour c) { return kColourRgb[static_cast<size_t>(c)]; }

std::string phrase(const ObjectSpec& o) {
  std::string p = o.size == Size::kSmall ? "a small " : "a big ";
  if (o.pattern == Pattern::kStriped) p += "striped ";
  if (o.pattern == Pattern::kDotted) p += "dotted ";
  return p + colour_name(o.colour) + " " + shape_name(o.shape);
}

std::string size_name(Size s) { return s == Size::kSmall ? "small" : "big"; }

std::string pattern_name(Pattern p) {
  return p == Pattern::kPlain ? "plain" : p == Pattern::kStriped ? "striped" : "dotted";
}

std::vector<std::pair<std::string, std::string>> object_attributes(const ObjectSpec& o) {
  return {{"shape", shape_name(o.shape)},
          {"colour", colour_name(o.colour)},
          {"size", size_name(o.size)},
          {"pattern", pattern_name(o.pattern)}};
}

ObjectSpec random_object(Rng& rng) {
  ObjectSpec o;
  o.shape = static_cast<Shape>(rng.below(kNumShapes));
  o.colour = static_cast<Colour>(rng.below(kNumColours));
  o.size = static_cast<Size>(rng.below(kNumSizes));
  o.pattern = static_cast<Pattern>(rng.below(kNumPatterns));
  return o;
}

ObjectSpec confusable_object(Rng& rng, const ObjectSpec& o) {
  for (;;) {
    ObjectSpec d = o;
    const int changes = rng.between(1, 2);
    for (int i = 0; i < changes; ++i) switch (rng.below(4)) {
        case 0: d.shape = static_cast<Shape>(rng.below(kNumShapes)); break;
        case 1: d.colour = static_cast<Colour>(rng.below(kNumColours)); break;
        case 2: d.size = static_cast<Size>(rng.below(kNumSizes)); break;
        default: d.pattern = static_cast<Pattern>(rng.below(kNumPatterns)); break;
      }
    if (!(d == o)) return d;
  }
}

bool shows_rotation(const ObjectSpec& o) {
  return !((o.shape == Shape::kCircle || o.shape == Shape::kRing) && o.pattern != Pattern::kStriped);
}

float shape_distance(Shape s, Vec2 p) {
  switch (s) {
    case Shape::kCircle: return sd_circle(p, 0.92f);
    case Shape::kRing: return std::fabs(length(p) - 0.75f) - 0.22f;
    case Shape::kBar: return sd_box(p, {1.05f, 0.32f}, 0.05f);
    case Shape::kSquare: return sd_box(p, {0.8f, 0.8f}, 0.06f);
    default: return sd_polygon(p, polygon_of(s));
  }
}

Paint object_paint(const ObjectSpec& o, Rng& rng) {
  const Rgb base = colour_rgb(o.colour);
  const float j = rng.uniform(0.9f, 1.08f);
  const Rgb body = {clamp01(base.r * j + rng.uniform(-0.03f, 0.03f)), clamp01(base.g * j + rng.uniform(-0.03f, 0.03f)),
                    clamp01(base.b * j + rng.uniform(-0.03f, 0.03f))};
  // Pattern ink: lighter on dark colours, darker on light ones, so it is visible on all eight.
  const float lum = 0.3f * base.r + 0.59f * base.g + 0.11f * base.b;
  const Rgb ink = lum < 0.35f ? mix(body, {1, 1, 1}, 0.6f) : scale(body, 0.42f);
  const Rgb rim = lum < 0.15f ? mix(body, {1, 1, 1}, 0.25f) : scale(body, 0.6f);
  const float stripe_period = 0.42f, dot_period = 0.5f;
  const Pattern pattern = o.pattern;
  const Shape shape = o.shape;
  return [=](Vec2 p, float ppu) {
    Rgba c;
    const float d = shape_distance(shape, p);
    const float cov = coverage(d, ppu);
    if (cov <= 0.0f) return c;
    c.over(cov, rim);
    c.over(coverage(d + 0.09f, ppu), body);  // the body sits 0.09 units inside the rim
    if (pattern == Pattern::kStriped) {
      // diagonal stripes; distance to the nearest stripe centre line
      const float u = (p.x + p.y) * 0.7071f / stripe_period;
      const float f = u - std::floor(u);
      const float ds = (std::fabs(f - 0.5f) - 0.22f) * stripe_period;
      c.over(coverage(ds, ppu) * coverage(d + 0.09f, ppu), ink);
    } else if (pattern == Pattern::kDotted) {
      const float gx = p.x / dot_period + 0.25f, gy = p.y / dot_period + 0.25f;
      const Vec2 q = {(gx - std::floor(gx) - 0.5f) * dot_period, (gy - std::floor(gy) - 0.5f) * dot_period};
      c.over(coverage(length(q) - 0.12f, ppu) * coverage(d + 0.09f, ppu), ink);
    }
    return c;
  };
}

}  // namespace grain::data::synth
