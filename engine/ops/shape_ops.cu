// defines: permute_values_cuda, copy_block_cuda (see shape_ops.h)
//
// concat and slice move runs of contiguous bytes: each block is one strided
// 2-D copy (cudaMemcpy2DAsync), no kernel. permute gathers through the input
// strides.
#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/outer_inner.h"
#include "engine/ops/shape_ops.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

void permute_values_cuda(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& y) {
  const size_t rank = dims.size();
  kernels::cuda::Strided s = cuda::identity_strides(y.shape());
  const std::vector<int64_t> in_strides = contiguous_strides(x.shape());
  for (size_t k = 0; k < rank; ++k) s.stride[k] = in_strides[dims[k]];
  kernels::cuda::gather_strided(x.raw_data(), s, y.raw_data(), y.numel(), static_cast<int>(dtype_size(x.dtype())),
                                cuda::context(x.device()).stream());
}

void copy_block_cuda(const Tensor& small, const Tensor& big, int dim, int64_t offset, bool into_big) {
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

}  // namespace grain
