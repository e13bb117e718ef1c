// defines: reshape, permute, transpose, concat, slice, permute_values_cpu,
//          copy_block_cpu (see shape_ops.h)
//
// concat and slice, forward and backward, are block copies along one dim
// (copy_block); permute walks output indices; reshape is a view, no arithmetic.
#include "engine/ops/shape_ops.h"

#include <cstring>
#include <numeric>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "engine/ops/outer_inner.h"

namespace grain {

// Seen as (outer, size along dim, inner), each outer index is one
// contiguous run of bytes in both tensors.
void copy_block_cpu(const Tensor& small, const Tensor& big, int dim, int64_t offset, bool into_big) {
  const OuterInner ss = split_at(small.shape(), dim), sb = split_at(big.shape(), dim);
  const size_t es = dtype_size(small.dtype());
  const size_t width = ss.size * ss.inner * es, big_pitch = sb.size * sb.inner * es;
  if (width == 0) return;
  char* big_at = static_cast<char*>(big.raw_data()) + offset * sb.inner * es;
  char* small_at = static_cast<char*>(small.raw_data());
  for (int64_t o = 0; o < ss.outer; ++o) {
    if (into_big)
      std::memcpy(big_at + o * big_pitch, small_at + o * width, width);
    else
      std::memcpy(small_at + o * width, big_at + o * big_pitch, width);
  }
}

void permute_values_cpu(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& y) {
  const size_t rank = dims.size();
  const Shape& out_shape = y.shape();
  const std::vector<int64_t> in_strides = contiguous_strides(x.shape());
  std::vector<int64_t> strides(rank);  // input stride of each output dim
  for (size_t k = 0; k < rank; ++k) strides[k] = in_strides[dims[k]];
  const size_t es = dtype_size(x.dtype());
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(y.raw_data());
  const int64_t n = y.numel();
  std::vector<int64_t> index(rank, 0);
  int64_t in = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst + i * es, src + in * es, es);
    for (int k = static_cast<int>(rank) - 1; k >= 0; --k) {  // odometer increment
      in += strides[k];
      if (++index[k] < out_shape[k]) break;
      in -= strides[k] * out_shape[k];
      index[k] = 0;
    }
  }
}

namespace {

Tensor permute_values(const Tensor& x, const std::vector<int64_t>& dims) {
  Shape out_shape(dims.size());
  for (size_t k = 0; k < dims.size(); ++k) out_shape[k] = x.shape()[dims[k]];
  Tensor y = Tensor::empty(out_shape, x.dtype(), x.device());
  GRAIN_DISPATCH(x.device(), "permute", permute_values, x, dims, y);
  return y;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape resolved = shape;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      GRAIN_CHECK(infer < 0, "reshape: more than one -1 in " << shape);
      infer = static_cast<int64_t>(i);
    } else {
      GRAIN_CHECK(shape[i] >= 0, "reshape: negative size in " << shape);
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    GRAIN_CHECK(known > 0 && x.numel() % known == 0, "reshape: cannot infer -1 in " << shape << " for "
                                                                                       << x.numel() << " elements");
    resolved[infer] = x.numel() / known;
  }
  GRAIN_CHECK(numel(resolved) == x.numel(),
              "reshape: " << x.shape() << " (" << x.numel() << " elements) cannot become " << shape);
  Tensor y = Tensor::view_of(x.impl()->storage, x.impl()->offset_bytes, resolved, x.dtype());
  record("reshape", {x}, y, [in_shape = x.shape()](const Tensor& dy, const std::vector<bool>&) {
    return std::vector<Tensor>{Tensor::view_of(dy.impl()->storage, dy.impl()->offset_bytes, in_shape, dy.dtype())};
  });
  return y;
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  GRAIN_CHECK(static_cast<int64_t>(dims.size()) == x.dim(),
              "permute: " << dims.size() << " dims for a tensor " << x.shape());
  std::vector<int64_t> normalized(dims.size()), inverse(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t k = 0; k < dims.size(); ++k) {
    normalized[k] = normalize_dim(dims[k], dims.size(), "permute");
    GRAIN_CHECK(!seen[normalized[k]], "permute: dim " << dims[k] << " repeated");
    seen[normalized[k]] = true;
    inverse[normalized[k]] = static_cast<int64_t>(k);
  }
  Tensor y = permute_values(x, normalized);
  record("permute", {x}, y, [inverse](const Tensor& dy, const std::vector<bool>&) {
    return std::vector<Tensor>{permute_values(dy, inverse)};
  });
  return y;
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  std::vector<int64_t> dims(x.dim());
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[normalize_dim(dim0, dims.size(), "transpose")], dims[normalize_dim(dim1, dims.size(), "transpose")]);
  return permute(x, dims);
}

Tensor concat(const std::vector<Tensor>& xs, int64_t dim_) {
  GRAIN_CHECK(!xs.empty(), "concat: no tensors");
  const Device device = common_device("concat", xs);
  check_same_dtype("concat", xs);
  const int dim = normalize_dim(dim_, xs[0].shape().size(), "concat");
  Shape out_shape = xs[0].shape();
  out_shape[dim] = 0;
  std::vector<int64_t> offsets;
  for (const Tensor& x : xs) {
    GRAIN_CHECK(x.dim() == static_cast<int64_t>(out_shape.size()),
                "concat: tensors of different rank: " << xs[0].shape() << " and " << x.shape());
    for (size_t i = 0; i < out_shape.size(); ++i)
      GRAIN_CHECK(static_cast<int>(i) == dim || x.shape()[i] == xs[0].shape()[i],
                  "concat: shapes " << xs[0].shape() << " and " << x.shape() << " differ outside dim " << dim);
    offsets.push_back(out_shape[dim]);
    out_shape[dim] += x.shape()[dim];
  }
  Tensor y = Tensor::empty(out_shape, xs[0].dtype(), device);
  for (size_t i = 0; i < xs.size(); ++i) GRAIN_DISPATCH(device, "concat", copy_block, xs[i], y, dim, offsets[i], true);
  std::vector<Shape> shapes;
  for (const Tensor& x : xs) shapes.push_back(x.shape());
  record("concat", xs, y, [shapes, offsets, dim](const Tensor& dy, const std::vector<bool>& need) {
    std::vector<Tensor> grads(shapes.size());
    for (size_t i = 0; i < shapes.size(); ++i) {
      if (!need[i]) continue;
      grads[i] = Tensor::empty(shapes[i], dy.dtype(), dy.device());
      GRAIN_DISPATCH(dy.device(), "concat backward", copy_block, grads[i], dy, dim, offsets[i], false);
    }
    return grads;
  });
  return y;
}

Tensor slice(const Tensor& x, int64_t dim_, int64_t start, int64_t end) {
  const int dim = normalize_dim(dim_, x.shape().size(), "slice");
  GRAIN_CHECK(0 <= start && start <= end && end <= x.shape()[dim],
              "slice: range [" << start << ", " << end << ") out of bounds for dim " << dim << " of " << x.shape());
  Shape out_shape = x.shape();
  out_shape[dim] = end - start;
  Tensor y = Tensor::empty(out_shape, x.dtype(), x.device());
  GRAIN_DISPATCH(x.device(), "slice", copy_block, y, x, dim, start, false);
  record("slice", {x}, y, [in_shape = x.shape(), dim, start](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::zeros(in_shape, dy.dtype(), dy.device());  // dy placed in zeros
    GRAIN_DISPATCH(dy.device(), "slice backward", copy_block, dy, dx, dim, start, true);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
