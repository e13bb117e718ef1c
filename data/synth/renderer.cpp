// Frame rendering: background, sprites and hand composited in depth order,
// then brightness and pixel noise. See renderer.h for the design.
#include "renderer.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "random.h"

namespace grain::data::synth {
namespace {

// World <-> screen mapping of one frame's camera.
struct Camera {
  float cx, cy, zoom, ox, oy;  // screen = (world - (c + o)) * zoom + c
  Vec2 to_screen(Vec2 w) const { return {(w.x - cx - ox) * zoom + cx, (w.y - cy - oy) * zoom + cy}; }
  Vec2 to_world(Vec2 s) const { return {(s.x - cx) / zoom + cx + ox, (s.y - cy) / zoom + cy + oy}; }
};

void draw_background(const Scene& sc, const Camera& cam, float* buf) {
  const Background& bg = sc.background;
  const float inv = 1.0f / cam.zoom;
  const float max_x = static_cast<float>(bg.width - 1) - 0.001f, max_y = static_cast<float>(bg.height - 1) - 0.001f;
  const Vec2 first = cam.to_world({0.5f, 0.5f});  // pixel centres
  const Vec2 last = cam.to_world({static_cast<float>(sc.width) - 0.5f, static_cast<float>(sc.height) - 0.5f});
  const bool inside = first.x - bg.origin.x >= 0.0f && first.y - bg.origin.y >= 0.0f && last.x - bg.origin.x <= max_x &&
                      last.y - bg.origin.y <= max_y;
  for (int y = 0; y < sc.height; ++y) {
    const Vec2 w0 = cam.to_world({0.5f, static_cast<float>(y) + 0.5f});
    const float by = std::clamp(w0.y - bg.origin.y, 0.0f, max_y);
    const int iy = static_cast<int>(by);
    const float fy = by - static_cast<float>(iy);
    const float* r0 = &bg.rgb[static_cast<size_t>(iy) * bg.width * 3];
    const float* r1 = r0 + bg.width * 3;
    float* out = buf + static_cast<size_t>(y) * sc.width * 3;
    if (cam.zoom == 1.0f && inside) {
      // Unzoomed camera: one fractional offset for the whole row, a vectorisable blend.
      const float bx = w0.x - bg.origin.x;
      const int ix = static_cast<int>(bx);
      const float fx = bx - static_cast<float>(ix);
      const float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
      const float* a = r0 + ix * 3;
      const float* b = r1 + ix * 3;
      const int n = sc.width * 3;
      for (int i = 0; i < n; ++i) out[i] = w00 * a[i] + w01 * a[i + 3] + w10 * b[i] + w11 * b[i + 3];
      continue;
    }
    for (int x = 0; x < sc.width; ++x) {
      const float bx = std::clamp(w0.x + static_cast<float>(x) * inv - bg.origin.x, 0.0f, max_x);
      const int ix = static_cast<int>(bx);
      const float fx = bx - static_cast<float>(ix);
      const float* a = r0 + ix * 3;
      const float* b = r1 + ix * 3;
      for (int c = 0; c < 3; ++c) {
        const float top = a[c] + (a[c + 3] - a[c]) * fx;
        const float bot = b[c] + (b[c + 3] - b[c]) * fx;
        out[x * 3 + c] = top + (bot - top) * fy;
      }
    }
  }
}

// Shared table of triangular noise in [-1, 1] (int8 / 127): frames read it at a
// per-frame random offset, which is far cheaper than hashing every pixel.
constexpr size_t kNoiseTable = size_t{1} << 20;
const std::vector<int8_t>& noise_table() {
  static const std::vector<int8_t> table = [] {
    std::vector<int8_t> t(kNoiseTable);
    Rng rng(0x6e6f697365ULL);
    for (int8_t& v : t) {
      const uint64_t h = rng.next_u64();
      const int u = static_cast<int>(h & 127) + static_cast<int>((h >> 7) & 127) - 127;  // triangular, -127..127
      v = static_cast<int8_t>(u);
    }
    return t;
  }();
  return table;
}

// Composites one sprite (or one half of it when clip != 0) over buf.
void draw_sprite(const Scene& sc, const Camera& cam, const Sprite& sp, float units_to_px, const ItemState& st,
                 int clip, float* buf) {
  // local -> sprite pixel: origin + local * ppu; world -> local: rotate(w - pos, -angle) / units_to_px.
  float s, c;
  det_sincos(-st.angle, &s, &c);
  const float shift = static_cast<float>(clip) * st.split;  // half moves outwards by split units
  // Screen bounding box from the sprite corners.
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  const float cw = static_cast<float>(sp.width), ch = static_cast<float>(sp.height);
  const Vec2 corners[4] = {{0, 0}, {cw, 0}, {0, ch}, {cw, ch}};
  for (const Vec2& k : corners) {
    const Vec2 local = {(k.x - sp.origin.x) / sp.px_per_unit + shift, (k.y - sp.origin.y) / sp.px_per_unit};
    const Vec2 wpt = st.pos + rotate(local * units_to_px, st.angle);
    const Vec2 spt = cam.to_screen(wpt);
    x0 = std::min(x0, spt.x), y0 = std::min(y0, spt.y), x1 = std::max(x1, spt.x), y1 = std::max(y1, spt.y);
  }
  const int ix0 = std::max(0, static_cast<int>(std::floor(x0))), iy0 = std::max(0, static_cast<int>(std::floor(y0)));
  const int ix1 = std::min(sc.width - 1, static_cast<int>(std::ceil(x1)));
  const int iy1 = std::min(sc.height - 1, static_cast<int>(std::ceil(y1)));
  if (ix0 > ix1 || iy0 > iy1) return;
  const float k = sp.px_per_unit / units_to_px;      // sprite pixels per world pixel
  const float clip_k = units_to_px * cam.zoom;       // screen pixels per local unit
  for (int y = iy0; y <= iy1; ++y) {
    float* out = buf + static_cast<size_t>(y) * sc.width * 3;
    for (int x = ix0; x <= ix1; ++x) {
      const Vec2 w = cam.to_world({static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f});
      const Vec2 d = w - st.pos;
      // local (in world pixels), then sprite pixel coordinates (sample at pixel centres)
      const float lx = c * d.x - s * d.y, ly = s * d.x + c * d.y;
      float clip_cov = 1.0f;
      float ux = lx / units_to_px - shift;
      if (clip != 0) clip_cov = clamp01(0.5f + static_cast<float>(clip) * ux * clip_k);
      if (clip_cov <= 0.0f) continue;
      const float px = sp.origin.x + ux * sp.px_per_unit - 0.5f;
      const float py = sp.origin.y + ly * k - 0.5f;
      if (px < -1.0f || py < -1.0f || px >= cw || py >= ch) continue;
      const int jx = static_cast<int>(std::floor(px)), jy = static_cast<int>(std::floor(py));
      const float fx = px - static_cast<float>(jx), fy = py - static_cast<float>(jy);
      float acc[4] = {0, 0, 0, 0};
      for (int dy = 0; dy < 2; ++dy) {
        const int yy = jy + dy;
        if (yy < 0 || yy >= sp.height) continue;
        const float wy = dy ? fy : 1.0f - fy;
        for (int dx = 0; dx < 2; ++dx) {
          const int xx = jx + dx;
          if (xx < 0 || xx >= sp.width) continue;
          const float wgt = wy * (dx ? fx : 1.0f - fx);
          const float* p = &sp.rgba[(static_cast<size_t>(yy) * sp.width + xx) * 4];
          acc[0] += wgt * p[0], acc[1] += wgt * p[1], acc[2] += wgt * p[2], acc[3] += wgt * p[3];
        }
      }
      const float a = acc[3] * clip_cov;
      if (a <= 0.0f) continue;
      float* o = out + x * 3;
      o[0] = o[0] * (1.0f - a) + acc[0] * clip_cov;
      o[1] = o[1] * (1.0f - a) + acc[1] * clip_cov;
      o[2] = o[2] * (1.0f - a) + acc[2] * clip_cov;
    }
  }
}

// Arm (sleeve) and hand (palm, four fingers, thumb) from their SDFs in screen space.
void draw_hand(const Scene& sc, const Camera& cam, const HandState& h, float* buf) {
  const HandLook& look = sc.hand_look;
  const Vec2 palm = cam.to_screen(h.palm), shoulder = cam.to_screen(look.shoulder);
  const float rp = look.palm_radius * cam.zoom, ra = look.arm_radius * cam.zoom;
  Vec2 dir = palm - shoulder;
  const float len = length(dir);
  dir = len > 0 ? dir * (1.0f / len) : Vec2{0, 1};
  const Vec2 wrist = palm - dir * (0.9f * rp);
  const float finger_len = rp * (1.25f - 0.65f * h.grip), finger_r = 0.27f * rp;
  const float spread = 0.32f - 0.22f * h.grip;
  Vec2 tips[4], bases[4];
  for (int i = 0; i < 4; ++i) {
    const Vec2 fd = rotate(dir, spread * (static_cast<float>(i) - 1.5f));
    bases[i] = palm + rotate(dir, 0.45f * (static_cast<float>(i) - 1.5f)) * (0.55f * rp);
    tips[i] = bases[i] + fd * finger_len;
  }
  const Vec2 side = {-dir.y, dir.x};
  const Vec2 thumb_base = palm + side * (0.7f * rp) - dir * (0.2f * rp);
  const Vec2 thumb_tip = thumb_base + rotate(side, -0.9f + 0.6f * h.grip) * (rp * (0.9f - 0.3f * h.grip));

  const float reach = rp + rp * 1.3f + finger_r + 2.0f;
  const int hx0 = std::max(0, static_cast<int>(std::min(palm.x, wrist.x) - reach));
  const int hx1 = std::min(sc.width - 1, static_cast<int>(std::max(palm.x, wrist.x) + reach));
  const int hy0 = std::max(0, static_cast<int>(std::min(palm.y, wrist.y) - reach));
  const int hy1 = std::min(sc.height - 1, static_cast<int>(std::max(palm.y, wrist.y) + reach));
  const int ax0 = std::max(0, static_cast<int>(std::min(shoulder.x, wrist.x) - ra - 2));
  const int ax1 = std::min(sc.width - 1, static_cast<int>(std::max(shoulder.x, wrist.x) + ra + 2));
  const int ay0 = std::max(0, static_cast<int>(std::min(shoulder.y, wrist.y) - ra - 2));
  const int ay1 = std::min(sc.height - 1, static_cast<int>(std::max(shoulder.y, wrist.y) + ra + 2));

  for (int y = ay0; y <= ay1; ++y) {
    float* out = buf + static_cast<size_t>(y) * sc.width * 3;
    for (int x = ax0; x <= ax1; ++x) {
      const Vec2 p = {static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f};
      const float d = sd_capsule(p, shoulder, wrist, ra);
      const float a = clamp01(0.5f - d);
      if (a <= 0.0f) continue;
      const float shade = 0.8f + 0.2f * clamp01(-d / ra);  // rounder look: darker at the edges
      float* o = out + x * 3;
      o[0] += a * (look.sleeve.r * shade - o[0]);
      o[1] += a * (look.sleeve.g * shade - o[1]);
      o[2] += a * (look.sleeve.b * shade - o[2]);
    }
  }
  for (int y = hy0; y <= hy1; ++y) {
    float* out = buf + static_cast<size_t>(y) * sc.width * 3;
    for (int x = hx0; x <= hx1; ++x) {
      const Vec2 p = {static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f};
      float d = sd_circle(p - palm, rp);
      d = std::min(d, sd_capsule(p, wrist, palm, 0.8f * rp));
      for (int i = 0; i < 4; ++i) d = std::min(d, sd_capsule(p, bases[i], tips[i], finger_r));
      d = std::min(d, sd_capsule(p, thumb_base, thumb_tip, finger_r * 1.1f));
      const float a = clamp01(0.5f - d);
      if (a <= 0.0f) continue;
      const float shade = 0.82f + 0.18f * clamp01(-d / (0.6f * rp));
      float* o = out + x * 3;
      o[0] += a * (look.skin.r * shade - o[0]);
      o[1] += a * (look.skin.g * shade - o[1]);
      o[2] += a * (look.skin.b * shade - o[2]);
    }
  }
}

}  // namespace

void render_frame(const Scene& sc, int t, uint8_t* rgb24) {
  thread_local std::vector<float> buffer;
  buffer.resize(static_cast<size_t>(sc.width) * sc.height * 3);
  float* buf = buffer.data();
  const CameraState& cs = sc.camera[static_cast<size_t>(t)];
  const Camera cam{0.5f * static_cast<float>(sc.width), 0.5f * static_cast<float>(sc.height), cs.zoom,
                   cs.pan.x + cs.jitter.x, cs.pan.y + cs.jitter.y};
  draw_background(sc, cam, buf);

  // Depth order: items by z (ties keep item order), the hand at its own z.
  struct Draw {
    float z;
    int item;  // -1 = hand
  };
  thread_local std::vector<Draw> order;
  order.clear();
  for (size_t i = 0; i < sc.items.size(); ++i)
    if (sc.items[i].frames[static_cast<size_t>(t)].visible)
      order.push_back({sc.items[i].frames[static_cast<size_t>(t)].z, static_cast<int>(i)});
  const HandState& hand = sc.hand[static_cast<size_t>(t)];
  if (hand.visible) order.push_back({hand.z, -1});
  std::stable_sort(order.begin(), order.end(), [](const Draw& a, const Draw& b) { return a.z < b.z; });
  for (const Draw& d : order) {
    if (d.item < 0) {
      draw_hand(sc, cam, hand, buf);
      continue;
    }
    const SceneItem& it = sc.items[static_cast<size_t>(d.item)];
    const ItemState& st = it.frames[static_cast<size_t>(t)];
    const Sprite& sp = sc.sprites[static_cast<size_t>(it.sprite)];
    if (st.split > 0.0f) {
      draw_sprite(sc, cam, sp, it.units_to_px, st, -1, buf);
      draw_sprite(sc, cam, sp, it.units_to_px, st, +1, buf);
    } else {
      draw_sprite(sc, cam, sp, it.units_to_px, st, 0, buf);
    }
  }

  // Brightness, then triangular pixel noise (std of triangular on [-1,1] is 1/sqrt(6)).
  const float gain = 255.0f * sc.brightness[static_cast<size_t>(t)];
  const float amp = sc.noise_sigma * 2.449f / 127.0f;
  const size_t n = static_cast<size_t>(sc.width) * sc.height * 3;
  const std::vector<int8_t>& table = noise_table();
  size_t offset = static_cast<size_t>(kernels::noise_frame_seed(sc.noise_seed, static_cast<uint64_t>(t)) % kNoiseTable);
  for (size_t start = 0; start < n;) {
    const size_t len = std::min(n - start, kNoiseTable - offset);
    const int8_t* nz = table.data() + offset;
    const float* in = buf + start;
    uint8_t* out = rgb24 + start;
    for (size_t i = 0; i < len; ++i) {
      const float v = std::min(255.0f, std::max(0.0f, in[i] * gain + static_cast<float>(nz[i]) * amp + 0.5f));
      out[i] = static_cast<uint8_t>(static_cast<int>(v));
    }
    start += len;
    offset = 0;
  }
}

}  // namespace grain::data::synth
