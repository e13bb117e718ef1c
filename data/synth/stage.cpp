// Nuisance variation of the set; see stage.h.
#include "stage.h"

#include <algorithm>
#include <cmath>

namespace grain::data::synth {
namespace {

// Smooth interpolation of a coarse grid of values: low-frequency texture in [-1, 1].
float grid_at(const std::vector<float>& v, int nx, int ny, float u, float w) {
  const float gx = clamp01(u) * static_cast<float>(nx - 1), gy = clamp01(w) * static_cast<float>(ny - 1);
  const int ix = std::min(static_cast<int>(gx), nx - 2), iy = std::min(static_cast<int>(gy), ny - 2);
  const float fx = smoothstep01(gx - static_cast<float>(ix)), fy = smoothstep01(gy - static_cast<float>(iy));
  const float* r0 = &v[static_cast<size_t>(iy * nx + ix)];
  const float* r1 = r0 + nx;
  const float top = r0[0] + (r0[1] - r0[0]) * fx, bot = r1[0] + (r1[1] - r1[0]) * fx;
  return top + (bot - top) * fy;
}

std::vector<float> random_grid(Rng& rng, int n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

Rgb muted_colour(Rng& rng, float lo, float hi, float tint) {
  const float g = rng.uniform(lo, hi);
  return {clamp01(g + rng.uniform(-tint, tint)), clamp01(g + rng.uniform(-tint, tint)),
          clamp01(g + rng.uniform(-tint, tint))};
}

}  // namespace

Stage make_stage(Rng& rng, int width, int height) {
  Stage s;
  s.width = width, s.height = height;
  s.frames = rng.between(24, 60);  // 2 to 5 seconds at 12 fps
  const float w = static_cast<float>(width), h = static_cast<float>(height);
  s.horizon = h * rng.uniform(0.3f, 0.42f);
  s.edge_side = rng.chance(0.5f) ? 1 : -1;
  s.table_end = s.edge_side > 0 ? w * rng.uniform(0.84f, 0.93f) : w * rng.uniform(0.07f, 0.16f);
  const float scale = rng.uniform(0.93f, 1.07f);
  s.small_radius = 0.085f * h * scale;
  s.big_radius = 0.13f * h * scale;
  // The arm comes from the top, the bottom (the filmer's own arm), the left or the right.
  switch (rng.below(4)) {
    case 0: s.shoulder = {w * rng.uniform(0.2f, 0.8f), -0.35f * h}; break;
    case 1: s.shoulder = {w * rng.uniform(0.2f, 0.8f), 1.35f * h}; break;
    case 2: s.shoulder = {-0.3f * w, h * rng.uniform(0.4f, 1.1f)}; break;
    default: s.shoulder = {1.3f * w, h * rng.uniform(0.4f, 1.1f)}; break;
  }
  return s;
}

BackgroundStyle make_background_style(Rng& rng, const Stage& st) {
  BackgroundStyle b;
  b.wall = muted_colour(rng, 0.35f, 0.75f, 0.1f);
  b.table = muted_colour(rng, 0.25f, 0.7f, 0.06f);
  if (rng.chance(0.4f)) b.table = {b.table.r * 1.15f, b.table.g * 0.92f, b.table.b * 0.7f};  // wood-like
  b.floor = {b.wall.r * 0.55f, b.wall.g * 0.55f, b.wall.b * 0.55f};
  b.wall_nx = rng.between(4, 7), b.wall_ny = rng.between(3, 6);
  b.table_nx = rng.between(5, 9), b.table_ny = rng.between(3, 5);
  b.wall_grid = random_grid(rng, b.wall_nx * b.wall_ny);
  b.table_grid = random_grid(rng, b.table_nx * b.table_ny);
  b.wall_amp = rng.uniform(0.04f, 0.12f), b.table_amp = rng.uniform(0.04f, 0.12f);
  return b;
}

Background rasterize_background(const BackgroundStyle& b, const Stage& st, Vec2 lo, Vec2 hi) {
  const float w = static_cast<float>(st.width), h = static_cast<float>(st.height);
  const Vec2 dom0 = {-0.45f * w, -0.45f * h}, dom1 = {1.45f * w, 1.45f * h};
  lo = {std::clamp(std::floor(lo.x), dom0.x, dom1.x - 2), std::clamp(std::floor(lo.y), dom0.y, dom1.y - 2)};
  hi = {std::clamp(std::ceil(hi.x), lo.x + 2, dom1.x), std::clamp(std::ceil(hi.y), lo.y + 2, dom1.y)};
  Background bg;
  bg.origin = lo;
  bg.width = static_cast<int>(hi.x - lo.x) + 1;
  bg.height = static_cast<int>(hi.y - lo.y) + 1;
  bg.rgb.resize(static_cast<size_t>(bg.width) * bg.height * 3);
  for (int j = 0; j < bg.height; ++j)
    for (int i = 0; i < bg.width; ++i) {
      const float x = bg.origin.x + static_cast<float>(i), y = bg.origin.y + static_cast<float>(j);
      const float u = (x - dom0.x) / (dom1.x - dom0.x), v = (y - dom0.y) / (dom1.y - dom0.y);
      // Coverage of the table: below the horizon and on the table's side of its end (anti-aliased).
      const float below = clamp01(y - st.horizon + 0.5f);
      const float inside = clamp01(static_cast<float>(st.edge_side) * (st.table_end - x) + 0.5f);
      const float t = below * inside;
      const float shade_w = 1.0f + b.wall_amp * grid_at(b.wall_grid, b.wall_nx, b.wall_ny, u, v);
      const float shade_t = 1.0f + b.table_amp * grid_at(b.table_grid, b.table_nx, b.table_ny, u, v);
      // Beyond the table's end, the wall turns into a darker floor far below.
      const Rgb back = {b.wall.r + (b.floor.r - b.wall.r) * below, b.wall.g + (b.floor.g - b.wall.g) * below,
                        b.wall.b + (b.floor.b - b.wall.b) * below};
      float* o = &bg.rgb[(static_cast<size_t>(j) * bg.width + i) * 3];
      o[0] = back.r * shade_w * (1 - t) + b.table.r * shade_t * t;
      o[1] = back.g * shade_w * (1 - t) + b.table.g * shade_t * t;
      o[2] = back.b * shade_w * (1 - t) + b.table.b * shade_t * t;
    }
  return bg;
}

HandLook make_hand_look(Rng& rng, const Stage& st) {
  static const Rgb skins[] = {{0.96f, 0.80f, 0.69f}, {0.90f, 0.70f, 0.55f}, {0.78f, 0.57f, 0.42f},
                              {0.60f, 0.42f, 0.30f}, {0.42f, 0.29f, 0.21f}};
  HandLook look;
  const Rgb s = skins[rng.below(5)];
  const float j = rng.uniform(0.95f, 1.05f);
  look.skin = {clamp01(s.r * j), clamp01(s.g * j), clamp01(s.b * j)};
  look.sleeve = muted_colour(rng, 0.1f, 0.8f, 0.2f);
  const float h = static_cast<float>(st.height);
  look.palm_radius = h * rng.uniform(0.058f, 0.068f);
  look.arm_radius = look.palm_radius * rng.uniform(0.8f, 0.95f);
  look.shoulder = st.shoulder;
  return look;
}

void add_nuisance(Rng& rng, Scene& scene) {
  // Shake: two slow oscillations per axis with random phases, 0.3 to 1.5 pixels.
  const float amp = rng.uniform(0.3f, 1.5f);
  float ph[4], fr[4];
  for (int i = 0; i < 4; ++i) ph[i] = rng.uniform(0.0f, 2 * kPi), fr[i] = rng.uniform(0.15f, 0.6f);
  const float b0 = rng.uniform(0.82f, 1.15f), b1 = b0 + rng.uniform(-0.08f, 0.08f);
  const float flick = rng.uniform(0.0f, 0.02f), flick_fr = rng.uniform(0.5f, 1.5f);
  scene.brightness.resize(static_cast<size_t>(scene.num_frames));
  for (int f = 0; f < scene.num_frames; ++f) {
    const float t = static_cast<float>(f);
    float s0, s1, s2, s3, c;
    det_sincos(ph[0] + fr[0] * t, &s0, &c);
    det_sincos(ph[1] + fr[1] * t, &s1, &c);
    det_sincos(ph[2] + fr[2] * t, &s2, &c);
    det_sincos(ph[3] + fr[3] * t, &s3, &c);
    scene.camera[static_cast<size_t>(f)].jitter = {amp * 0.6f * (s0 + s1), amp * 0.6f * (s2 + s3)};
    float sf;
    det_sincos(flick_fr * t + ph[0], &sf, &c);
    const float u = scene.num_frames > 1 ? t / static_cast<float>(scene.num_frames - 1) : 0.0f;
    scene.brightness[static_cast<size_t>(f)] = b0 + (b1 - b0) * u + flick * sf;
  }
  scene.noise_sigma = rng.uniform(1.0f, 4.5f);
  scene.noise_seed = rng.next_u64();
}

bool on_table(const Stage& st, Vec2 p, float r) {
  const float w = static_cast<float>(st.width), h = static_cast<float>(st.height);
  if (p.x - r < 2.0f || p.x + r > w - 2.0f || p.y + r > h - 2.0f) return false;
  if (p.y < st.horizon + 0.4f * r) return false;
  return st.edge_side > 0 ? p.x + r < st.table_end - 1.0f : p.x - r > st.table_end + 1.0f;
}

Vec2 place_on_table(Rng& rng, const Stage& st, float r, const std::vector<Disc>& taken, const Bounds& bounds,
                    float gap) {
  const float w = static_cast<float>(st.width), h = static_cast<float>(st.height);
  // The table's own limits for a disc of radius r, then the caller's.
  float lx = std::max(r + 2.0f, st.edge_side < 0 ? st.table_end + r + 1.0f : 0.0f);
  float hx = std::min(w - r - 2.0f, st.edge_side > 0 ? st.table_end - r - 1.0f : w);
  float ly = st.horizon + 0.4f * r, hy = h - r - 2.0f;
  if (bounds.x_min) lx = std::max(lx, *bounds.x_min);
  if (bounds.x_max) hx = std::min(hx, *bounds.x_max);
  if (bounds.y_min) ly = std::max(ly, *bounds.y_min);
  if (bounds.y_max) hy = std::min(hy, *bounds.y_max);
  Vec2 p;
  for (int tries = 0; tries < 64; ++tries) {
    p = {rng.uniform(lx, std::max(lx, hx)), rng.uniform(ly, std::max(ly, hy))};
    bool ok = true;
    for (const Disc& d : taken)
      if (length(p - d.c) < r + d.r + gap) ok = false;
    if (ok) break;
  }
  return p;
}

}  // namespace grain::data::synth
