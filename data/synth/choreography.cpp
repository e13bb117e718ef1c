// Keyframe tracks and hand actions; see choreography.h.
#include "choreography.h"

#include <algorithm>
#include <cmath>

namespace grain::data::synth {

void Track::key(float t, float v, Ease e) {
  const Key k{t, v, e};
  auto it = std::upper_bound(keys_.begin(), keys_.end(), t, [](float tt, const Key& a) { return tt < a.t; });
  keys_.insert(it, k);
}

float Track::at(float t) const {
  if (keys_.empty()) return initial_;
  if (t < keys_.front().t) return initial_;
  // last key with key.t <= t
  auto it = std::upper_bound(keys_.begin(), keys_.end(), t, [](float tt, const Key& a) { return tt < a.t; });
  const Key& a = *(it - 1);
  if (it == keys_.end()) return a.v;
  const Key& b = *it;
  if (b.e == Ease::kStep || b.t <= a.t) return a.v;
  float u = (t - a.t) / (b.t - a.t);
  switch (b.e) {
    case Ease::kSmooth: u = smoothstep01(u); break;
    case Ease::kIn: u = u * u; break;
    case Ease::kOut: u = 1.0f - (1.0f - u) * (1.0f - u); break;
    default: break;
  }
  return a.v + (b.v - a.v) * u;
}

Choreography::Choreography(int frames, Vec2 shoulder) : frames_(frames), shoulder_(shoulder) {
  hand_x_ = Track(shoulder.x);
  hand_y_ = Track(shoulder.y);
}

void Choreography::set_shoulder(Vec2 shoulder) {
  shoulder_ = shoulder;
  hand_x_ = Track(shoulder.x);
  hand_y_ = Track(shoulder.y);
}

int Choreography::add_item(Vec2 pos, float radius_px, float z, float angle) {
  ItemTracks it;
  it.x = Track(pos.x), it.y = Track(pos.y), it.z = Track(z), it.angle = Track(angle);
  it.radius_px = radius_px;
  items_.push_back(it);
  return static_cast<int>(items_.size()) - 1;
}

Vec2 Choreography::item_pos(int i, float t) const {
  const ItemTracks& it = items_[static_cast<size_t>(i)];
  return {it.x.at(t), it.y.at(t)};
}

Vec2 Choreography::grasp_point(int i, Vec2 pos) const {
  Vec2 d = shoulder_ - pos;
  const float l = length(d);
  d = l > 0 ? d * (1.0f / l) : Vec2{0, -1};
  return pos + d * (0.55f * items_[static_cast<size_t>(i)].radius_px);
}

void Choreography::move_item(int i, float t0, float t1, Vec2 to, Ease e) {
  ItemTracks& it = items_[static_cast<size_t>(i)];
  const Vec2 from = item_pos(i, t0);
  it.x.key(t0, from.x, Ease::kStep), it.y.key(t0, from.y, Ease::kStep);
  it.x.key(t1, to.x, e), it.y.key(t1, to.y, e);
}

Vec2 Choreography::hand_at(float t) const {
  const int a = static_cast<int>(std::lround(attach_.at(t)));
  if (a >= 0) {
    const Vec2 off = rotate({attach_dx_.at(t), attach_dy_.at(t)},
                            items_[static_cast<size_t>(a)].angle.at(t) - attach_angle_.at(t));
    return item_pos(a, t) + off;
  }
  return {hand_x_.at(t), hand_y_.at(t)};
}

void Choreography::reach(float t0, float t1, Vec2 palm) {
  visible_.key(t0, 1.0f, Ease::kStep);
  hand_x_.key(t0, shoulder_.x, Ease::kStep), hand_y_.key(t0, shoulder_.y, Ease::kStep);
  hand_x_.key(t1, palm.x), hand_y_.key(t1, palm.y);
}

void Choreography::move_hand(float t0, float t1, Vec2 palm, Ease e) {
  const Vec2 from = hand_at(t0);
  hand_x_.key(t0, from.x, Ease::kStep), hand_y_.key(t0, from.y, Ease::kStep);
  hand_x_.key(t1, palm.x, e), hand_y_.key(t1, palm.y, e);
}

void Choreography::grip(float t0, float t1, float g) {
  grip_.key(t0, grip_.at(t0), Ease::kStep);
  grip_.key(t1, g);
}

void Choreography::attach(float t, int i) {
  if (i < 0) {
    const Vec2 p = hand_at(t);
    hand_x_.key(t, p.x, Ease::kStep), hand_y_.key(t, p.y, Ease::kStep);
    attach_.key(t, -1.0f, Ease::kStep);
    return;
  }
  const Vec2 pos = item_pos(i, t);
  attach(t, i, grasp_point(i, pos) - pos);
}

void Choreography::attach(float t, int i, Vec2 offset) {
  attach_dx_.key(t, offset.x, Ease::kStep), attach_dy_.key(t, offset.y, Ease::kStep);
  attach_angle_.key(t, items_[static_cast<size_t>(i)].angle.at(t), Ease::kStep);
  attach_.key(t, static_cast<float>(i), Ease::kStep);
}

void Choreography::retreat(float t0, float t1) {
  move_hand(t0, t1, shoulder_);
  visible_.key(t1, 0.0f, Ease::kStep);
}

void Choreography::hand_depth(float t, float z) { hand_z_.key(t, z, Ease::kStep); }

void Choreography::bake(Scene& scene) const {
  scene.num_frames = frames_;
  scene.hand.assign(static_cast<size_t>(frames_), HandState{});
  scene.camera.assign(static_cast<size_t>(frames_), CameraState{});
  for (size_t i = 0; i < items_.size(); ++i) scene.items[i].frames.assign(static_cast<size_t>(frames_), ItemState{});
  for (int f = 0; f < frames_; ++f) {
    const float t = static_cast<float>(f);
    for (size_t i = 0; i < items_.size(); ++i) {
      const ItemTracks& it = items_[i];
      ItemState& st = scene.items[i].frames[static_cast<size_t>(f)];
      st.pos = {it.x.at(t), it.y.at(t)};
      st.angle = it.angle.at(t);
      st.z = it.z.at(t);
      st.split = it.split.at(t);
    }
    HandState& h = scene.hand[static_cast<size_t>(f)];
    h.visible = visible_.at(t) > 0.5f;
    h.palm = hand_at(t);
    h.grip = clamp01(grip_.at(t));
    h.z = hand_z_.at(t);
    CameraState& c = scene.camera[static_cast<size_t>(f)];
    c.zoom = camera_.zoom.at(t);
    c.pan = {camera_.pan_x.at(t), camera_.pan_y.at(t)};
  }
}

}  // namespace grain::data::synth
