// Renders one frame of a Scene to 8-bit RGB.
//
// Design decision: objects are pre-rasterised sprites (premultiplied RGBA at
// twice their on-screen resolution, anti-aliased by their SDF), so a frame is
// one bilinear background pass plus a bilinear sprite pass per object over its
// bounding box; only the hand, whose fingers change every frame, is drawn
// from its SDF each frame. All arithmetic is plain IEEE float (+ - * / sqrt),
// so the same Scene gives the same bytes on every machine.
#pragma once

#include <cstdint>

#include "scene.h"

namespace grain::data::synth {

/// Draws frame t (0 <= t < scene.num_frames) into rgb24, which must hold
/// scene.width * scene.height * 3 bytes, row-major, R G B per pixel.
void render_frame(const Scene& scene, int t, uint8_t* rgb24);

}  // namespace grain::data::synth
