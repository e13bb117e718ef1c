// The description of one synthetic video: what is drawn, where, in every frame.
//
// Design decision: a Scene is plain data baked per frame (positions, angles,
// grip, camera) before any pixel is drawn. The category scripts only write
// this data and the renderer only reads it, so the labels' logic and the
// pixels' logic never mix, and a frame can be rendered on its own (the
// contact sheet renders 4 frames of a video, not all of them).
// Coordinates: "world" pixels of the unjittered, unzoomed camera, x right,
// y down; angles in radians, positive = clockwise on screen.
#pragma once

#include <cstdint>
#include <vector>

#include "geometry.h"

namespace grain::data::synth {

struct Rgb {
  float r = 0, g = 0, b = 0;  // 0..1
};

/// A premultiplied-alpha RGBA raster of one object in its own coordinates:
/// local point p maps to sprite pixel (origin + p * px_per_unit).
struct Sprite {
  int width = 0, height = 0;
  float px_per_unit = 1.0f;
  Vec2 origin;              // sprite pixel of the local origin
  std::vector<float> rgba;  // width * height * 4, premultiplied
};

/// Where one item is in one frame.
struct ItemState {
  Vec2 pos;             // world position of the local origin
  float angle = 0.0f;   // rotation
  float z = 0.0f;       // draw order: larger is drawn later (in front)
  float split = 0.0f;   // > 0: drawn as two halves (x < 0 and x > 0) moved apart by this many units each
  bool visible = true;
};

/// One drawn thing (object, utensil, food, cover) and its per-frame states.
struct SceneItem {
  int sprite = 0;                 // index into Scene::sprites
  float units_to_px = 1.0f;       // world pixels per local unit
  std::vector<ItemState> frames;  // one per frame
};

/// The hand in one frame: the palm centre, how closed it is, and its depth.
struct HandState {
  bool visible = false;
  Vec2 palm;
  float grip = 0.0f;  // 0 open .. 1 closed
  float z = 100.0f;
};

/// The camera in one frame: world point at the frame centre moves by pan; zoom > 1 magnifies.
struct CameraState {
  float zoom = 1.0f;
  Vec2 pan;     // deliberate camera motion (world pixels)
  Vec2 jitter;  // small shake (world pixels)
};

/// Background: a world-space raster (wall, table, texture) sampled bilinearly per frame.
struct Background {
  int width = 0, height = 0;
  Vec2 origin;             // world position of raster pixel (0, 0)
  std::vector<float> rgb;  // width * height * 3
};

/// Arm and hand appearance, fixed for a video.
struct HandLook {
  Vec2 shoulder;  // where the arm comes from (outside the frame)
  Rgb skin, sleeve;
  float palm_radius = 6.0f, arm_radius = 5.0f;
};

/// Everything needed to render every frame of one video.
struct Scene {
  int width = 0, height = 0, num_frames = 0;
  Background background;
  std::vector<Sprite> sprites;
  std::vector<SceneItem> items;
  HandLook hand_look;
  std::vector<HandState> hand;        // one per frame
  std::vector<CameraState> camera;    // one per frame
  std::vector<float> brightness;      // one per frame, multiplies the colours
  float noise_sigma = 0.0f;           // pixel noise, in 0..255 units
  uint64_t noise_seed = 0;
};

}  // namespace grain::data::synth
