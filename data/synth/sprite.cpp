// Sprite rasterisation: one paint() call per sprite pixel centre.
#include "sprite.h"

#include <algorithm>
#include <cmath>

namespace grain::data::synth {

Sprite rasterize_sprite(float extent, float px_per_unit, const Paint& paint) {
  Sprite sp;
  const int half = static_cast<int>(std::ceil(extent * px_per_unit)) + 1;
  sp.width = sp.height = 2 * half;
  sp.px_per_unit = px_per_unit;
  sp.origin = {static_cast<float>(half), static_cast<float>(half)};
  sp.rgba.resize(static_cast<size_t>(sp.width) * sp.height * 4);
  for (int j = 0; j < sp.height; ++j)
    for (int i = 0; i < sp.width; ++i) {
      const Vec2 p = {(static_cast<float>(i) + 0.5f - sp.origin.x) / px_per_unit,
                      (static_cast<float>(j) + 0.5f - sp.origin.y) / px_per_unit};
      const Rgba c = paint(p, px_per_unit);
      float* o = &sp.rgba[(static_cast<size_t>(j) * sp.width + i) * 4];
      o[0] = c.r, o[1] = c.g, o[2] = c.b, o[3] = c.a;
    }
  // Crop to the covered pixels plus a one-pixel transparent border (long thin
  // utensils cover a small part of their square), so drawing visits fewer pixels.
  int x0 = sp.width, y0 = sp.height, x1 = -1, y1 = -1;
  for (int j = 0; j < sp.height; ++j)
    for (int i = 0; i < sp.width; ++i)
      if (sp.rgba[(static_cast<size_t>(j) * sp.width + i) * 4 + 3] > 0.0f)
        x0 = std::min(x0, i), y0 = std::min(y0, j), x1 = std::max(x1, i), y1 = std::max(y1, j);
  if (x1 < 0) return sp;
  x0 = std::max(0, x0 - 1), y0 = std::max(0, y0 - 1);
  x1 = std::min(sp.width - 1, x1 + 1), y1 = std::min(sp.height - 1, y1 + 1);
  Sprite out;
  out.width = x1 - x0 + 1, out.height = y1 - y0 + 1;
  out.px_per_unit = px_per_unit;
  out.origin = {sp.origin.x - static_cast<float>(x0), sp.origin.y - static_cast<float>(y0)};
  out.rgba.resize(static_cast<size_t>(out.width) * out.height * 4);
  for (int j = 0; j < out.height; ++j)
    std::copy_n(&sp.rgba[(static_cast<size_t>(j + y0) * sp.width + x0) * 4], static_cast<size_t>(out.width) * 4,
                &out.rgba[static_cast<size_t>(j) * out.width * 4]);
  return out;
}

}  // namespace grain::data::synth
