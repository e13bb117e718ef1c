// Resizing of packed RGB images with the same bit-exact bilinear swscale
// filter the video decoder uses, so JPEG folders and videos are scaled alike.
#pragma once

#include <cstdint>

namespace grain::data {

// (src_h, src_w, 3) -> (dst_h, dst_w, 3), bilinear (antialiased when shrinking);
// a plain copy when the sizes are equal. Throws DataError for sizes < 1.
void resize_rgb(const uint8_t* src, int src_w, int src_h, uint8_t* dst, int dst_w, int dst_h);

}  // namespace grain::data
