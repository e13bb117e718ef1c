// defines: grain::MaxPool3d (see max_pool.h)
#include "layers/max_pool.h"

#include "engine/error.h"
#include "engine/ops/max_pool.h"

namespace grain {

MaxPool3d::MaxPool3d(std::array<int64_t, 3> window) : window_(window) {
  GRAIN_CHECK(window[0] >= 1 && window[1] >= 1 && window[2] >= 1,
              "MaxPool3d: window must be >= 1 in every dimension, got (" << window[0] << ", " << window[1] << ", "
                                                                         << window[2] << ")");
}

Tensor MaxPool3d::forward(const Tensor& x) const { return max_pool3d(x, window_); }

}  // namespace grain
