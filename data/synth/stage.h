// The set of a video: wall, table, arm, camera shake, light and sensor noise.
//
// Design decision: everything that varies between videos but carries no
// label (background colours and texture, where the table ends, which side
// the arm comes from, shake, brightness drift, noise) is drawn here from the
// video's own stream, so no category can leak through nuisance choices and
// every category gets the same nuisance distribution.
#pragma once

#include <optional>
#include <vector>

#include "random.h"
#include "scene.h"

namespace grain::data::synth {

/// Layout facts the scripts need to place and move things.
struct Stage {
  int width = 0, height = 0, frames = 0;
  float horizon = 0;     // y of the table's back edge; the table is below it
  int edge_side = 1;     // +1: the table ends inside the frame on the right, -1: on the left
  float table_end = 0;   // x where the table ends
  float small_radius = 0, big_radius = 0;  // on-screen radii of small / big objects
  Vec2 shoulder;         // where the arm comes from (outside the frame)
};

/// Draws the video's length (2 to 5 s at 12 fps), table and arm side.
Stage make_stage(Rng& rng, int width, int height);
/// Colours and texture of wall and table, drawn once per video.
struct BackgroundStyle {
  Rgb wall, table, floor;
  int wall_nx = 0, wall_ny = 0, table_nx = 0, table_ny = 0;
  std::vector<float> wall_grid, table_grid;  // coarse random values in [-1, 1]
  float wall_amp = 0, table_amp = 0;
};
/// Draws the background's colours and texture.
BackgroundStyle make_background_style(Rng& rng, const Stage& stage);
/// World-space raster of the background over [lo, hi] (world pixels; clamped to the
/// texture's domain of 1.9 x the frame around it). The texture does not depend on the
/// bounds, so only the region the camera sees needs rasterising.
Background rasterize_background(const BackgroundStyle& style, const Stage& stage, Vec2 lo, Vec2 hi);
/// Skin and sleeve colours and sizes of the arm.
HandLook make_hand_look(Rng& rng, const Stage& stage);
/// Adds camera shake (to the baked camera), brightness drift and noise level.
void add_nuisance(Rng& rng, Scene& scene);

/// A circle already taken on the table, for placement.
struct Disc {
  Vec2 c;
  float r;
};
/// True when p lies on the table with its radius r inside the frame and the table.
bool on_table(const Stage& stage, Vec2 p, float r);
/// Limits on where an object's centre may go, in world pixels; an absent bound leaves the table's own.
struct Bounds {
  std::optional<float> x_min, x_max, y_min, y_max;
};
/// Default clearance between placed objects, in pixels.
inline constexpr float kPlacementGap = 3.0f;
/// A random point on the table for an object of radius r, within `bounds`, at least `gap` away
/// from every disc in taken (rejection sampling with a fixed number of tries; the last try is
/// kept if none fits).
Vec2 place_on_table(Rng& rng, const Stage& stage, float r, const std::vector<Disc>& taken, const Bounds& bounds = {},
                    float gap = kPlacementGap);

}  // namespace grain::data::synth
