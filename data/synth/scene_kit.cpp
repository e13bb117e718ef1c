// SceneKit: stage + sprites + choreography -> Scene; see scene_kit.h.
#include "scene_kit.h"

#include <algorithm>

namespace grain::data::synth {
namespace {
// Sprites are rasterised at twice the on-screen resolution (before camera zoom).
constexpr float kOversample = 2.0f;
}  // namespace

SceneKit::SceneKit(Rng& rng, int width, int height)
    : rng_(rng), stage_(make_stage(rng, width, height)), ch_(stage_.frames, stage_.shoulder) {
  scene_.width = width, scene_.height = height;
  background_ = make_background_style(rng_, stage_);
  scene_.hand_look = make_hand_look(rng_, stage_);
  const float frames = static_cast<float>(stage_.frames);
  start_ = rng_.uniform(0.0f, 0.2f) * frames;
  const float room = frames - 1.0f - start_;
  end_ = start_ + room * rng_.uniform(0.75f, 1.0f);
}

void SceneKit::set_shoulder(Vec2 shoulder) {
  stage_.shoulder = shoulder;
  scene_.hand_look.shoulder = shoulder;
  ch_.set_shoulder(shoulder);
}

int SceneKit::add_item(const Paint& paint, float extent, float radius_px, Vec2 pos, float z, float angle) {
  scene_.sprites.push_back(rasterize_sprite(extent, radius_px * kOversample, paint));
  SceneItem it;
  it.sprite = static_cast<int>(scene_.sprites.size()) - 1;
  it.units_to_px = radius_px;
  scene_.items.push_back(it);
  taken_.push_back({pos, radius_px * std::min(extent, 1.1f)});
  return ch_.add_item(pos, radius_px, z, angle);
}

int SceneKit::add_item_like(int like, Vec2 pos, float z, float angle) {
  SceneItem it = scene_.items[static_cast<size_t>(like)];
  it.frames.clear();
  scene_.items.push_back(it);
  return ch_.add_item(pos, ch_.item(like).radius_px, z, angle);
}

Scene SceneKit::finish() {
  ch_.bake(scene_);
  add_nuisance(rng_, scene_);
  // Rasterise only the part of the background the camera sees in some frame.
  const float w = static_cast<float>(stage_.width), h = static_cast<float>(stage_.height);
  Vec2 lo = {1e9f, 1e9f}, hi = {-1e9f, -1e9f};
  for (const CameraState& c : scene_.camera) {
    const Vec2 o = c.pan + c.jitter;
    const float hw = 0.5f * w / c.zoom, hh = 0.5f * h / c.zoom;
    lo = {std::min(lo.x, 0.5f * w + o.x - hw), std::min(lo.y, 0.5f * h + o.y - hh)};
    hi = {std::max(hi.x, 0.5f * w + o.x + hw), std::max(hi.y, 0.5f * h + o.y + hh)};
  }
  scene_.background = rasterize_background(background_, stage_, lo - Vec2{2, 2}, hi + Vec2{2, 2});
  return std::move(scene_);
}

}  // namespace grain::data::synth
