// defines: permute_cuda, concat_cuda, slice_cuda (see shape_ops_cuda.h)
//
// concat and slice move runs of contiguous bytes: each is one strided 2-D
// copy (cudaMemcpy2DAsync) per input, no kernel. permute gathers through the
// input strides.
#include "engine/autograd.h"
#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/outer_inner.h"
#include "engine/ops/shape_ops_cuda.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

namespace {

// Rows [offset, offset + x_size) of y along dim = x (paste) or the reverse (cut).
void copy_block(const Tensor& small, const Tensor& big, int dim, int64_t offset, bool into_big) {
  const OuterInner ss = split_at(small.shape(), dim), sb = split_at(big.shape(), dim);
  const size_t es = dtype_size(small.dtype());
  const size_t width = ss.size * ss.inner * es;
  if (width == 0 || ss.outer == 0) return;
  char* big_at = static_cast<char*>(big.raw_data()) + offset * sb.inner * es;
  char* small_at = static_cast<char*>(small.raw_data());
  const size_t big_pitch = sb.size * sb.inner * es, small_pitch = width;
  cudaStream_t stream = cuda::context(big.device()).stream();
  if (into_big)
    GRAIN_CUDA_CHECK(cudaMemcpy2DAsync(big_at, big_pitch, small_at, small_pitch, width, ss.outer,
                                       cudaMemcpyDeviceToDevice, stream));
  else
    GRAIN_CUDA_CHECK(cudaMemcpy2DAsync(small_at, small_pitch, big_at, big_pitch, width, ss.outer,
                                       cudaMemcpyDeviceToDevice, stream));
}

}  // namespace

Tensor permute_cuda(const Tensor& x, const std::vector<int64_t>& dims) {
  const size_t rank = dims.size();
  Shape out_shape(rank);
  for (size_t k = 0; k < rank; ++k) out_shape[k] = x.shape()[dims[k]];
  Tensor y = Tensor::empty(out_shape, x.dtype(), x.device());
  kernels::cuda::Strided s = cuda::identity_strides(out_shape);
  const std::vector<int64_t> in_strides = contiguous_strides(x.shape());
  for (size_t k = 0; k < rank; ++k) s.stride[k] = in_strides[dims[k]];
  kernels::cuda::gather_strided(x.raw_data(), s, y.raw_data(), y.numel(), static_cast<int>(dtype_size(x.dtype())),
                                cuda::context(x.device()).stream());
  cuda::after_op("permute", x.device().index);
  return y;
}

Tensor concat_cuda(const std::vector<Tensor>& xs, int dim, const Shape& out_shape, const std::vector<int64_t>& offsets) {
  const Device device = xs[0].device();
  Tensor y = Tensor::empty(out_shape, xs[0].dtype(), device);
  for (size_t i = 0; i < xs.size(); ++i) copy_block(xs[i], y, dim, offsets[i], true);
  cuda::after_op("concat", device.index);
  std::vector<Shape> shapes;
  for (const Tensor& x : xs) shapes.push_back(x.shape());
  record("concat", xs, y, [shapes, offsets, dim](const Tensor& dy, const std::vector<bool>& need) {
    std::vector<Tensor> grads(shapes.size());
    for (size_t i = 0; i < shapes.size(); ++i) {
      if (!need[i]) continue;
      grads[i] = Tensor::empty(shapes[i], dy.dtype(), dy.device());
      copy_block(grads[i], dy, dim, offsets[i], false);
    }
    cuda::after_op("concat backward", dy.device().index);
    return grads;
  });
  return y;
}

Tensor slice_cuda(const Tensor& x, int dim, int64_t start, int64_t end) {
  Shape out_shape = x.shape();
  out_shape[dim] = end - start;
  Tensor y = Tensor::empty(out_shape, x.dtype(), x.device());
  copy_block(y, x, dim, start, false);
  cuda::after_op("slice", x.device().index);
  record("slice", {x}, y, [in_shape = x.shape(), dim, start](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::zeros(in_shape, dy.dtype(), dy.device());
    copy_block(dy, dx, dim, start, true);
    cuda::after_op("slice backward", dy.device().index);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
