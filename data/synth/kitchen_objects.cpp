// Drawings of utensils and foods from SDF primitives; see kitchen_objects.h.
#include "kitchen_objects.h"

#include <cmath>
#include <vector>

namespace grain::data::synth {
namespace {

Rgb jitter(Rng& rng, Rgb c, float a) {
  const float k = rng.uniform(1.0f - a, 1.0f + a);
  return {clamp01(c.r * k), clamp01(c.g * k), clamp01(c.b * k)};
}

// Metal: a light grey with a highlight band along the length.
Rgb metal(float y, Rgb base) {
  const float hl = 1.0f + 0.25f * clamp01(1.0f - std::fabs(y + 0.05f) * 8.0f);
  return {clamp01(base.r * hl), clamp01(base.g * hl), clamp01(base.b * hl)};
}

const char* const kFoodPhrases[kNumFoods] = {"a tomato", "a carrot", "a slice of bread", "a piece of cheese",
                                             "a sausage", "a meatball", "a potato"};

}  // namespace

std::string utensil_name(Utensil u) {
  static const char* const names[] = {"fork", "spoon", "knife", "tongs"};
  return names[static_cast<int>(u)];
}

std::string food_phrase(int food) { return kFoodPhrases[food]; }

float utensil_extent(Utensil u) { return u == Utensil::kTongs ? 3.5f : 1.9f; }
Vec2 utensil_handle(Utensil u) { return u == Utensil::kTongs ? Vec2{0.5f, 0.0f} : Vec2{-1.1f, 0.0f}; }
Vec2 utensil_tip(Utensil u) {
  switch (u) {
    case Utensil::kFork: return {1.45f, 0.0f};
    case Utensil::kSpoon: return {0.95f, 0.0f};
    case Utensil::kKnife: return {0.35f, 0.25f};
    default: return {3.2f, 0.0f};
  }
}

Paint utensil_paint(Utensil u, Rng& rng) {
  const Rgb steel = jitter(rng, {0.74f, 0.76f, 0.8f}, 0.08f);
  static const Rgb handles[] = {{0.15f, 0.12f, 0.1f}, {0.45f, 0.28f, 0.15f}, {0.74f, 0.76f, 0.8f},
                                {0.2f, 0.3f, 0.55f},  {0.6f, 0.15f, 0.12f}};
  const Rgb handle = jitter(rng, handles[rng.below(5)], 0.08f);
  const Rgb edge = {steel.r * 0.55f, steel.g * 0.55f, steel.b * 0.55f};
  switch (u) {
    case Utensil::kFork:
      return [=](Vec2 p, float ppu) {
        Rgba c;
        float d = sd_box(p - Vec2{0.5f, 0.0f}, {0.28f, 0.3f}, 0.1f);
        d = std::min(d, sd_capsule(p, {0.1f, 0.0f}, {0.4f, 0.0f}, 0.11f));
        for (float y : {-0.25f, -0.085f, 0.085f, 0.25f}) d = std::min(d, sd_capsule(p, {0.6f, y}, {1.55f, y}, 0.055f));
        c.over(coverage(d, ppu), edge);
        c.over(coverage(d + 0.03f, ppu), metal(p.y, steel));
        const float dh = sd_capsule(p, {-1.8f, 0.0f}, {0.1f, 0.0f}, 0.14f);
        c.over(coverage(dh, ppu), handle);
        return c;
      };
    case Utensil::kSpoon:
      return [=](Vec2 p, float ppu) {
        Rgba c;
        const float d = std::min(sd_ellipse(p - Vec2{0.95f, 0.0f}, 0.62f, 0.4f),
                                 sd_capsule(p, {0.1f, 0.0f}, {0.5f, 0.0f}, 0.09f));
        c.over(coverage(d, ppu), edge);
        c.over(coverage(d + 0.04f, ppu), metal(p.y, steel));
        c.over(coverage(sd_ellipse(p - Vec2{0.95f, 0.05f}, 0.45f, 0.26f), ppu), {steel.r * 0.85f, steel.g * 0.85f, steel.b * 0.88f});
        c.over(coverage(sd_capsule(p, {-1.8f, 0.0f}, {0.1f, 0.0f}, 0.13f), ppu), handle);
        return c;
      };
    case Utensil::kKnife: {
      static const std::vector<Vec2> blade = {{-0.6f, -0.2f}, {1.2f, -0.2f}, {1.75f, 0.0f}, {1.35f, 0.24f}, {-0.6f, 0.24f}};
      return [=](Vec2 p, float ppu) {
        Rgba c;
        const float d = sd_polygon(p, blade);
        c.over(coverage(d, ppu), edge);
        c.over(coverage(d + 0.03f, ppu), metal(p.y + 0.1f, steel));
        c.over(coverage(sd_box(p - Vec2{-1.2f, 0.0f}, {0.62f, 0.17f}, 0.1f), ppu), handle);
        return c;
      };
    }
    default:  // one arm of tongs, hinge at the origin, tip towards +x
      return [=](Vec2 p, float ppu) {
        Rgba c;
        float d = sd_capsule(p, {0.0f, 0.0f}, {3.0f, 0.0f}, 0.09f);
        d = std::min(d, sd_box(p - Vec2{3.15f, 0.0f}, {0.25f, 0.14f}, 0.06f));
        c.over(coverage(d, ppu), edge);
        c.over(coverage(d + 0.03f, ppu), metal(p.y, steel));
        c.over(coverage(sd_capsule(p, {0.0f, 0.0f}, {1.0f, 0.0f}, 0.13f), ppu), handle);
        c.over(coverage(sd_circle(p, 0.2f), ppu), edge);
        return c;
      };
  }
}

Paint food_paint(int food, Rng& rng) {
  switch (food) {
    case 0: {  // tomato: red round with a green calyx
      const Rgb red = jitter(rng, {0.85f, 0.16f, 0.1f}, 0.08f);
      const std::vector<Vec2> calyx = radial_polygon(5, 0.38f, 0.12f, true);
      return [=](Vec2 p, float ppu) {
        Rgba c;
        const float d = sd_ellipse(p, 0.9f, 0.8f);
        c.over(coverage(d, ppu), {red.r * 0.6f, red.g * 0.6f, red.b * 0.6f});
        c.over(coverage(d + 0.06f, ppu), red);
        c.over(coverage(sd_circle(p - Vec2{-0.3f, -0.3f}, 0.16f), ppu), {1.0f, 0.7f, 0.65f});
        c.over(coverage(sd_polygon(p - Vec2{0.0f, -0.62f}, calyx), ppu), {0.2f, 0.55f, 0.15f});
        return c;
      };
    }
    case 1: {  // carrot: orange tapered body, green leaves
      const Rgb orange = jitter(rng, {0.95f, 0.5f, 0.1f}, 0.06f);
      const std::vector<Vec2> body = {{-0.95f, -0.32f}, {0.8f, -0.08f}, {0.95f, 0.0f}, {0.8f, 0.08f}, {-0.95f, 0.32f}};
      return [=](Vec2 p, float ppu) {
        Rgba c;
        for (float a : {-0.35f, 0.0f, 0.35f})
          c.over(coverage(sd_capsule(p, {-0.85f, 0.0f}, {-1.02f, a}, 0.07f), ppu), {0.2f, 0.6f, 0.2f});
        const float d = sd_polygon(p, body);
        c.over(coverage(d, ppu), {orange.r * 0.7f, orange.g * 0.7f, orange.b * 0.7f});
        c.over(coverage(d + 0.05f, ppu), orange);
        for (float x : {-0.4f, 0.1f, 0.5f}) c.over(coverage(sd_box(p - Vec2{x, 0.0f}, {0.015f, 0.18f}), ppu), {orange.r * 0.75f, orange.g * 0.6f, 0.05f});
        return c;
      };
    }
    case 2: {  // slice of bread: pale crumb, brown crust
      const Rgb crumb = jitter(rng, {0.93f, 0.84f, 0.62f}, 0.05f), crust = jitter(rng, {0.6f, 0.36f, 0.15f}, 0.08f);
      return [=](Vec2 p, float ppu) {
        Rgba c;
        const float d = std::min(sd_box(p - Vec2{0.0f, 0.15f}, {0.8f, 0.6f}, 0.15f), sd_ellipse(p - Vec2{0.0f, -0.4f}, 0.85f, 0.45f));
        c.over(coverage(d, ppu), crust);
        c.over(coverage(d + 0.14f, ppu), crumb);
        return c;
      };
    }
    case 3: {  // piece of cheese: yellow wedge with holes
      const Rgb yellow = jitter(rng, {0.98f, 0.85f, 0.3f}, 0.05f);
      const std::vector<Vec2> wedge = {{-0.9f, 0.55f}, {0.9f, 0.55f}, {0.9f, -0.2f}, {-0.9f, -0.6f}};
      return [=](Vec2 p, float ppu) {
        Rgba c;
        const float d = sd_polygon(p, wedge);
        c.over(coverage(d, ppu), {yellow.r * 0.7f, yellow.g * 0.65f, yellow.b * 0.4f});
        c.over(coverage(d + 0.05f, ppu), yellow);
        c.over(coverage(sd_circle(p - Vec2{-0.3f, 0.1f}, 0.14f), ppu), {0.85f, 0.7f, 0.2f});
        c.over(coverage(sd_circle(p - Vec2{0.4f, 0.25f}, 0.1f), ppu), {0.85f, 0.7f, 0.2f});
        return c;
      };
    }
    case 4: {  // sausage: brown capsule with a shine
      const Rgb brown = jitter(rng, {0.62f, 0.28f, 0.2f}, 0.08f);
      return [=](Vec2 p, float ppu) {
        Rgba c;
        const float d = sd_capsule(p, {-0.75f, 0.0f}, {0.75f, 0.0f}, 0.3f);
        c.over(coverage(d, ppu), {brown.r * 0.6f, brown.g * 0.6f, brown.b * 0.6f});
        c.over(coverage(d + 0.05f, ppu), brown);
        c.over(coverage(sd_capsule(p, {-0.5f, -0.12f}, {0.4f, -0.12f}, 0.05f), ppu), {0.9f, 0.6f, 0.5f});
        return c;
      };
    }
    case 5: {  // meatball: dark brown round with specks
      const Rgb brown = jitter(rng, {0.45f, 0.25f, 0.15f}, 0.08f);
      return [=](Vec2 p, float ppu) {
        Rgba c;
        const float d = sd_circle(p, 0.65f);
        c.over(coverage(d, ppu), {brown.r * 0.6f, brown.g * 0.6f, brown.b * 0.6f});
        c.over(coverage(d + 0.05f, ppu), brown);
        for (Vec2 q : {Vec2{-0.25f, -0.2f}, Vec2{0.2f, 0.1f}, Vec2{-0.05f, 0.35f}, Vec2{0.3f, -0.3f}})
          c.over(coverage(sd_circle(p - q, 0.07f), ppu), {0.3f, 0.45f, 0.15f});
        return c;
      };
    }
    default: {  // potato: light brown lumpy ellipse with eyes
      const Rgb tan = jitter(rng, {0.78f, 0.62f, 0.38f}, 0.06f);
      return [=](Vec2 p, float ppu) {
        Rgba c;
        const float d = std::min(sd_ellipse(p - Vec2{-0.15f, 0.0f}, 0.75f, 0.55f), sd_ellipse(p - Vec2{0.35f, 0.05f}, 0.55f, 0.5f));
        c.over(coverage(d, ppu), {tan.r * 0.65f, tan.g * 0.65f, tan.b * 0.65f});
        c.over(coverage(d + 0.05f, ppu), tan);
        for (Vec2 q : {Vec2{-0.4f, -0.1f}, Vec2{0.3f, 0.2f}, Vec2{0.05f, -0.25f}})
          c.over(coverage(sd_circle(p - q, 0.06f), ppu), {tan.r * 0.5f, tan.g * 0.45f, tan.b * 0.35f});
        return c;
      };
    }
  }
}

}  // namespace grain::data::synth
