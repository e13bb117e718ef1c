// defines: broadcasting helpers, sum_to_shape_cpu (see broadcast.h)
#include "engine/ops/broadcast.h"

#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    GRAIN_CHECK(da == db || da == 1 || db == 1,
                op << ": shapes " << a << " and " << b << " cannot be broadcast (dim " << i << ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

BroadcastIndex::BroadcastIndex(const Shape& input, const Shape& output)
    : out_shape_(output), in_strides_(output.size(), 0), identity_(input == output) {
  const size_t offset = output.size() - input.size();
  const std::vector<int64_t> strides = contiguous_strides(input);
  for (size_t i = 0; i < input.size(); ++i)
    in_strides_[offset + i] = input[i] == 1 ? 0 : strides[i];
}

int64_t BroadcastIndex::operator()(int64_t output_index) const {
  if (identity_) return output_index;
  int64_t in = 0;
  for (int d = static_cast<int>(out_shape_.size()) - 1; d >= 0; --d) {
    const int64_t coordinate = output_index % out_shape_[d];
    output_index /= out_shape_[d];
    in += coordinate * in_strides_[d];
  }
  return in;
}

void sum_to_shape_cpu(const Tensor& g, const Tensor& out) {
  out.zero();
  const BroadcastIndex index(out.shape(), g.shape());
  dispatch_floating(g.dtype(), "sum_to_shape", [&]<typename T>() {
    const T* src = g.data<T>();
    T* dst = out.data<T>();
    for (int64_t i = 0; i < g.numel(); ++i) dst[index(i)] += src[i];
  });
}

Tensor sum_to_shape(const Tensor& g, const Shape& target) {
  if (g.shape() == target) return g;
  check_backend_dtypes("sum_to_shape", g.device(), {g});
  Tensor out = Tensor::empty(target, g.dtype(), g.device());
  GRAIN_DISPATCH(g.device(), "sum_to_shape", sum_to_shape, g, out);
  return out;
}

}  // namespace grain
