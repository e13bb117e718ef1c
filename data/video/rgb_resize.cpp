// resize_rgb: one swscale context per call (cheap next to decoding a frame).
#include "data/video/rgb_resize.h"

#include <cstring>
#include <string>

#include "data/common/error.h"
#include "data/video/ffmpeg_util.h"

namespace grain::data {

void resize_rgb(const uint8_t* src, int src_w, int src_h, uint8_t* dst, int dst_w, int dst_h) {
  if (src_w < 1 || src_h < 1 || dst_w < 1 || dst_h < 1)
    throw DataError("resize_rgb: bad sizes " + std::to_string(src_w) + "x" + std::to_string(src_h) + " -> " +
                    std::to_string(dst_w) + "x" + std::to_string(dst_h));
  if (src_w == dst_w && src_h == dst_h) {
    std::memcpy(dst, src, static_cast<size_t>(src_w) * src_h * 3);
    return;
  }
  detail::SwsPtr sws(sws_getContext(src_w, src_h, AV_PIX_FMT_RGB24, dst_w, dst_h, AV_PIX_FMT_RGB24,
                                    detail::kSwsFlags, nullptr, nullptr, nullptr));
  if (!sws) throw DataError("resize_rgb: sws_getContext failed");
  const uint8_t* src_planes[1] = {src};
  const int src_strides[1] = {src_w * 3};
  uint8_t* dst_planes[1] = {dst};
  const int dst_strides[1] = {dst_w * 3};
  if (sws_scale(sws.get(), src_planes, src_strides, 0, src_h, dst_planes, dst_strides) != dst_h)
    throw DataError("resize_rgb: sws_scale failed");
}

}  // namespace grain::data
