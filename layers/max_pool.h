// defines: grain::MaxPool3d — channels-last max pooling as a layer
//
// No parameters and no train/eval difference; a layer so the encoder reads
// as a sequence of modules and states each pool's window once. The encoder
// uses (1, 2, 2) after conv1-3: space halves, time is kept (docs/spec/model.md).
#pragma once

#include <array>
#include <cstdint>

#include "engine/tensor.h"

namespace grain {

class MaxPool3d {
 public:
  // Window (kT, kH, kW) with stride equal to the window, no padding.
  explicit MaxPool3d(std::array<int64_t, 3> window);
  // (N, T, H, W, C) -> (N, T / kT, H / kH, W / kW, C), rounding down.
  Tensor forward(const Tensor& x) const;
  const std::array<int64_t, 3>& window() const { return window_; }

 private:
  std::array<int64_t, 3> window_;
};

}  // namespace grain
