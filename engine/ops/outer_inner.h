// defines: grain::OuterInner, split_at — a tensor seen as (outer, size along dim, inner)
//
// concat and slice (CPU and CUDA) copy contiguous runs of `size * inner`
// elements `outer` times; this is the one place that computes the split.
#pragma once

#include <cstdint>

#include "engine/shape.h"

namespace grain {

struct OuterInner {
  int64_t outer, size, inner;
};

inline OuterInner split_at(const Shape& shape, int dim) {
  OuterInner s{1, shape[dim], 1};
  for (int i = 0; i < dim; ++i) s.outer *= shape[i];
  for (size_t i = dim + 1; i < shape.size(); ++i) s.inner *= shape[i];
  return s;
}

}  // namespace grain
