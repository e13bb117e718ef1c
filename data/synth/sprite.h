// Rasterising an object's look into a Sprite.
//
// Design decision: a look is a paint function of the local point (and of the
// sprite's resolution, so edges can be anti-aliased to exactly one sprite
// pixel); it is evaluated once per video per object, so it can afford SDFs,
// patterns and several layers, while the per-frame renderer only resamples.
#pragma once

#include <functional>

#include "scene.h"

namespace grain::data::synth {

/// Premultiplied colour with coverage, built bottom layer first with over().
struct Rgba {
  float r = 0, g = 0, b = 0, a = 0;
  /// Composites colour c with coverage cov over this.
  void over(float cov, Rgb c) {
    // premultiplied "over": dst = src * cov + dst * (1 - cov)
    r += cov * (c.r - r);
    g += cov * (c.g - g);
    b += cov * (c.b - b);
    a += cov * (1.0f - a);
  }
};

/// Coverage of a pixel whose centre is at signed distance d (local units) at ppu pixels per unit.
inline float coverage(float d, float px_per_unit) { return clamp01(0.5f - d * px_per_unit); }

/// Paint function: premultiplied colour of local point p, given the raster resolution.
using Paint = std::function<Rgba(Vec2 p, float px_per_unit)>;

/// Rasterises paint over the local square [-extent, extent]^2 at px_per_unit pixels per unit.
Sprite rasterize_sprite(float extent, float px_per_unit, const Paint& paint);

}  // namespace grain::data::synth
