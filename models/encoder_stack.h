// defines: grain::EncoderBlock, kEncoderStack, kEncoderPool, kEncoderTimeKernel3d,
//          kEncoderTimePadding3d, encoder_final_spatial, encoder_min_crop
//
// The video encoder's layer stack as data (docs/spec/model.md): the six conv
// blocks each channel has, the pool after some of them, and the sizes they
// leave. It is the one statement of the stack: VideoEncoder builds its blocks
// and pools from kEncoderStack, and the size checks (validate_model_config,
// the encoder's clip check) walk the same table, so changing the stack
// changes both. Both channels share the spatial stack; they differ in time
// only (the 3D channel: kernel 3, padding 1; the 2D channel: kernel 1, no
// padding), and time is never strided or pooled.
#pragma once

#include <array>
#include <cstdint>

namespace grain {

// One conv block of a channel of width c.
struct EncoderBlock {
  int64_t width_multiple;   // output channels: width_multiple x c
  int64_t spatial_kernel;   // kH = kW
  int64_t spatial_padding;  // pH = pW
  bool pool_after;          // followed by a kEncoderPool max pool
};

// conv1-3 keep the size (3x3, padding 1) and are each followed by a pool;
// conv4-6 are unpadded 3x3; a global spatial max follows conv6.
inline constexpr std::array<EncoderBlock, 6> kEncoderStack{{
    {1, 3, 1, true},
    {2, 3, 1, true},
    {4, 3, 1, true},
    {8, 3, 0, false},
    {8, 3, 0, false},
    {8, 3, 0, false},
}};

// The max pool's window (t, h, w), stride equal to the window, rounding down: space halves, time is kept.
inline constexpr std::array<int64_t, 3> kEncoderPool{1, 2, 2};

// The 3D channel's time kernel and padding (the 2D channel: 1 and 0).
inline constexpr int64_t kEncoderTimeKernel3d = 3;
inline constexpr int64_t kEncoderTimePadding3d = 1;

// Spatial size left after the stack for an input of size `crop` along H or W
// (96 -> 6, 56 -> 1; the global max pool then covers it); <= 0 means the
// crop is too small.
constexpr int64_t encoder_final_spatial(int64_t crop) {
  int64_t s = crop;
  for (const EncoderBlock& b : kEncoderStack) {
    s = s + 2 * b.spatial_padding - b.spatial_kernel + 1;
    if (b.pool_after) s /= kEncoderPool[1];
  }
  return s;
}

// The smallest crop the stack accepts (leaves at least 1x1): 56.
constexpr int64_t encoder_min_crop() {
  int64_t crop = 1;
  while (encoder_final_spatial(crop) < 1) ++crop;
  return crop;
}

}  // namespace grain
