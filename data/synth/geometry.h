// 2-D geometry for the scene renderer: vectors, deterministic sine/cosine and
// signed distance functions (SDFs) of the drawn primitives.
//
// Design decision: every shape is an SDF (negative inside, distance in the
// shape's own units) and coverage is clamp(0.5 - distance_in_pixels, 0, 1).
// That one rule gives anti-aliased edges for every primitive, composes by
// min() for unions, and needs no polygon scan converter. Sine and cosine are
// our own polynomials, not libm's, because libm results may differ between
// machines in the last bit and the frames must be identical everywhere.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace grain::data::synth {

struct Vec2 {
  float x = 0.0f, y = 0.0f;
};
inline Vec2 operator+(Vec2 a, Vec2 b) { return {a.x + b.x, a.y + b.y}; }
inline Vec2 operator-(Vec2 a, Vec2 b) { return {a.x - b.x, a.y - b.y}; }
inline Vec2 operator*(Vec2 a, float s) { return {a.x * s, a.y * s}; }
inline float dot(Vec2 a, Vec2 b) { return a.x * b.x + a.y * b.y; }
inline float length(Vec2 a) { return std::sqrt(dot(a, a)); }  // sqrt is exact in IEEE 754
inline Vec2 lerp(Vec2 a, Vec2 b, float t) { return a + (b - a) * t; }

constexpr float kPi = 3.14159265358979f;

/// sin(a) and cos(a): reduction to a quarter turn r in [-pi/4, pi/4] and Taylor
/// series to r^15 / r^14 in double; accurate to float precision and identical on
/// every IEEE 754 machine (only + - * / and a conversion to integer).
inline void det_sincos(float a, float* s, float* c) {
  const double half_pi = 1.5707963267948966;
  const double x = static_cast<double>(a);
  const double qd = x / half_pi;
  const long long q = static_cast<long long>(qd >= 0 ? qd + 0.5 : qd - 0.5);
  const double r = x - static_cast<double>(q) * half_pi, r2 = r * r;
  const double sr = r * (1 - r2 / 6 * (1 - r2 / 20 * (1 - r2 / 42 * (1 - r2 / 72 * (1 - r2 / 110 * (1 - r2 / 156 * (1 - r2 / 210)))))));
  const double cr = 1 - r2 / 2 * (1 - r2 / 12 * (1 - r2 / 30 * (1 - r2 / 56 * (1 - r2 / 90 * (1 - r2 / 132 * (1 - r2 / 182))))));
  switch (((q % 4) + 4) % 4) {  // rotate by q quarter turns
    case 0: *s = static_cast<float>(sr), *c = static_cast<float>(cr); break;
    case 1: *s = static_cast<float>(cr), *c = static_cast<float>(-sr); break;
    case 2: *s = static_cast<float>(-sr), *c = static_cast<float>(-cr); break;
    default: *s = static_cast<float>(-cr), *c = static_cast<float>(sr); break;
  }
}

/// p rotated by angle a (radians; positive = clockwise on screen, y points down).
inline Vec2 rotate(Vec2 p, float a) {
  float s, c;
  det_sincos(a, &s, &c);
  return {c * p.x - s * p.y, s * p.x + c * p.y};
}

inline float clamp01(float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }
/// Smooth 0->1 ramp with zero slope at both ends.
inline float smoothstep01(float t) {
  t = clamp01(t);
  return t * t * (3.0f - 2.0f * t);
}

/// Signed distance to a circle of radius r at the origin.
inline float sd_circle(Vec2 p, float r) { return length(p) - r; }

/// Signed distance to an axis-aligned box of half extents h, corners rounded by r.
inline float sd_box(Vec2 p, Vec2 h, float r = 0.0f) {
  const float qx = std::fabs(p.x) - h.x + r, qy = std::fabs(p.y) - h.y + r;
  const float ox = std::max(qx, 0.0f), oy = std::max(qy, 0.0f);
  return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.0f) - r;
}

/// Signed distance to a capsule: the segment a-b thickened by radius r.
inline float sd_capsule(Vec2 p, Vec2 a, Vec2 b, float r) {
  const Vec2 pa = p - a, ba = b - a;
  const float bb = dot(ba, ba);
  const float h = bb > 0.0f ? clamp01(dot(pa, ba) / bb) : 0.0f;
  return length(pa - ba * h) - r;
}

/// Signed distance to an ellipse-like shape (a circle scaled by (rx, ry)); exact on
/// the axes, a close approximation elsewhere, which is all anti-aliasing needs.
inline float sd_ellipse(Vec2 p, float rx, float ry) {
  const float k = length({p.x / rx, p.y / ry});
  return (k - 1.0f) * std::min(rx, ry);
}

/// Signed distance to a simple polygon (any winding), after Inigo Quilez.
inline float sd_polygon(Vec2 p, const std::vector<Vec2>& v) {
  const size_t n = v.size();
  float d = dot(p - v[0], p - v[0]);
  float s = 1.0f;
  for (size_t i = 0, j = n - 1; i < n; j = i, ++i) {
    const Vec2 e = v[j] - v[i], w = p - v[i];
    const Vec2 b = w - e * clamp01(dot(w, e) / dot(e, e));
    d = std::min(d, dot(b, b));
    const bool c0 = p.y >= v[i].y, c1 = p.y < v[j].y, c2 = e.x * w.y > e.y * w.x;
    if ((c0 && c1 && c2) || (!c0 && !c1 && !c2)) s = -s;
  }
  return s * std::sqrt(d);
}

/// Vertices of a regular n-gon or star (alternating radii r_out, r_in when star),
/// starting at the top, in shape units.
inline std::vector<Vec2> radial_polygon(int points, float r_out, float r_in, bool star) {
  std::vector<Vec2> v;
  const int n = star ? 2 * points : points;
  for (int i = 0; i < n; ++i) {
    const float a = -kPi / 2 + 2 * kPi * static_cast<float>(i) / static_cast<float>(n);
    float s, c;
    det_sincos(a, &s, &c);
    const float r = (star && (i % 2 == 1)) ? r_in : r_out;
    v.push_back({r * c, r * s});
  }
  return v;
}

}  // namespace grain::data::synth
