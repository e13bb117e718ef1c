// The shared workbench on which both datasets' scripts build a video.
//
// Design decision: synth-ss and synth-kitchen build scenes through this one
// class (stage, sprites, items, choreography, action clock, nuisance), so the
// two datasets share every code path below the category scripts and differ
// only in what the scripts do.
#pragma once

#include <vector>

#include "choreography.h"
#include "random.h"
#include "sprite.h"
#include "stage.h"

namespace grain::data::synth {

class SceneKit {
 public:
  /// Draws the stage, background and arm from rng; the action window is drawn too
  /// (random onset in the first fifth, random speed), see at().
  SceneKit(Rng& rng, int width, int height);

  Rng& rng() { return rng_; }
  const Stage& stage() const { return stage_; }
  Choreography& ch() { return ch_; }
  std::vector<Disc>& taken() { return taken_; }

  /// A free spot on the table for an object of radius r within `bounds` (see place_on_table).
  Vec2 place(float r, const Bounds& bounds = {}) { return place_on_table(rng_, stage_, r, taken_, bounds); }
  /// Marks a disc as taken, e.g. where an object will land.
  void reserve(Vec2 centre, float r) { taken_.push_back({centre, r}); }

  /// Moves the arm's origin (before any hand action is added).
  void set_shoulder(Vec2 shoulder);
  /// Palm radius of the hand, in pixels.
  float palm_radius() const { return scene_.hand_look.palm_radius; }

  /// Frame time of fraction u of the action window (u = 0 onset, u = 1 end).
  float at(float u) const { return start_ + (end_ - start_) * u; }
  /// Last frame index as a time.
  float last() const { return static_cast<float>(stage_.frames - 1); }

  /// Adds a drawn item with look `paint` (local extent in units), radius_px on screen for
  /// radius 1 unit, resting at pos with depth z; marks its disc as taken. Returns its index.
  int add_item(const Paint& paint, float extent, float radius_px, Vec2 pos, float z, float angle = 0.0f);
  /// Adds an item sharing the sprite of item `like` (e.g. the second arm of tongs).
  int add_item_like(int like, Vec2 pos, float z, float angle = 0.0f);

  /// Bakes the motion and adds the nuisance; the kit is spent afterwards.
  Scene finish();

 private:
  Rng& rng_;
  Stage stage_;
  BackgroundStyle background_;
  Scene scene_;
  Choreography ch_;
  std::vector<Disc> taken_;
  float start_ = 0, end_ = 0;
};

}  // namespace grain::data::synth
