// Keyframed motion of the items, the hand and the camera, baked into a Scene.
//
// Design decision: category scripts speak in actions over time ("reach the
// object between frames 5 and 11, close the hand, carry it to p, release")
// and write keyframes; baking evaluates every track at every frame. While the
// hand is attached to an item, the palm follows that item's grasp point, so
// a carried object and the hand can never drift apart, and pretending is the
// same script with the attachment left out.
#pragma once

#include <vector>

#include "scene.h"

namespace grain::data::synth {

/// How a track moves into a key from the previous one.
enum class Ease { kSmooth, kLinear, kIn /* accelerating, e.g. falling */, kOut /* decelerating */, kStep };

/// A scalar over time (in frames): piecewise between keys, constant outside them.
class Track {
 public:
  explicit Track(float initial = 0.0f) : initial_(initial) {}
  /// Adds a key; keys may be added in any order (ties keep insertion order).
  void key(float t, float v, Ease e = Ease::kSmooth);
  /// Value at time t.
  float at(float t) const;

 private:
  struct Key {
    float t, v;
    Ease e;
  };
  float initial_;
  std::vector<Key> keys_;
};

struct ItemTracks {
  Track x, y, angle, z, split;
  float radius_px = 1.0f;  // the item's on-screen radius, for grasp points
};

struct CameraTracks {
  Track zoom{1.0f}, pan_x, pan_y;
};

/// Builds the per-frame states of a video from actions.
class Choreography {
 public:
  /// frames: video length; shoulder: where the arm comes from (world pixels, off-frame).
  Choreography(int frames, Vec2 shoulder);

  /// Changes where the arm comes from; call before adding any hand action.
  void set_shoulder(Vec2 shoulder);
  Vec2 shoulder() const { return shoulder_; }

  /// Adds an item resting at pos; returns its index.
  int add_item(Vec2 pos, float radius_px, float z, float angle = 0.0f);
  ItemTracks& item(int i) { return items_[static_cast<size_t>(i)]; }
  Vec2 item_pos(int i, float t) const;
  CameraTracks& camera() { return camera_; }

  /// Where the palm sits when holding an item at pos: on the item's side facing the shoulder.
  Vec2 grasp_point(int i, Vec2 pos) const;

  /// Moves item i from wherever it is at t0 to `to` at t1.
  void move_item(int i, float t0, float t1, Vec2 to, Ease e = Ease::kSmooth);
  /// The hand appears at its rest point (by the shoulder) at t0 and reaches palm at t1.
  void reach(float t0, float t1, Vec2 palm);
  /// The hand moves from where it is at t0 to palm at t1 (when not attached).
  void move_hand(float t0, float t1, Vec2 palm, Ease e = Ease::kSmooth);
  /// The hand closes (g = 1) or opens (g = 0) between t0 and t1.
  void grip(float t0, float t1, float g);
  /// From t the palm follows item i (at its grasp point, turning with the item);
  /// i = -1 lets go (the palm stays where it was).
  void attach(float t, int i);
  /// As attach(t, i) with the palm at item position + offset (e.g. pushing from one side).
  void attach(float t, int i, Vec2 offset);
  /// The hand goes back to its rest point between t0 and t1 and disappears.
  void retreat(float t0, float t1);
  /// Hand depth from t on (default: in front of everything).
  void hand_depth(float t, float z);

  /// Writes items' frames, hand, camera (pan and zoom; jitter is added by the caller) into scene.
  void bake(Scene& scene) const;

 private:
  Vec2 hand_at(float t) const;
  int frames_;
  Vec2 shoulder_;
  std::vector<ItemTracks> items_;
  Track hand_x_, hand_y_, grip_, hand_z_{100.0f}, visible_, attach_{-1.0f};
  Track attach_dx_, attach_dy_, attach_angle_;  // palm offset and item angle when attached
  CameraTracks camera_;
};

}  // namespace grain::data::synth
