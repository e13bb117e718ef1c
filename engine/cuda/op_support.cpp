// defines: CUDA op helpers (see op_support.h)
#include "engine/cuda/op_support.h"

#include "engine/backend.h"
#include "engine/cuda/blas.h"
#include "engine/cuda/context.h"
#include "engine/error.h"

namespace grain::cuda {

void require_float32(const char* op, const std::vector<Tensor>& tensors) {
  check_backend_dtypes(op, Device::cuda(), tensors);
}

namespace {
void check_rank(const Shape& shape) {
  GRAIN_CHECK(shape.size() <= static_cast<size_t>(kernels::cuda::kMaxRank),
              "cuda: tensors of rank " << shape.size() << " exceed the kernels' limit of " << kernels::cuda::kMaxRank);
}
}  // namespace

kernels::cuda::Strided broadcast_strides(const Shape& input, const Shape& output) {
  check_rank(output);
  kernels::cuda::Strided s;
  s.rank = static_cast<int>(output.size());
  const size_t offset = output.size() - input.size();
  const std::vector<int64_t> strides = contiguous_strides(input);
  for (size_t i = 0; i < output.size(); ++i) {
    s.shape[i] = output[i];
    s.stride[i] = 0;
    if (i >= offset) s.stride[i] = input[i - offset] == 1 ? 0 : strides[i - offset];
  }
  if (s.rank == 0) {  // a scalar: one element at offset 0
    s.rank = 1;
    s.shape[0] = 1;
    s.stride[0] = 0;
  }
  return s;
}

kernels::cuda::Strided identity_strides(const Shape& shape) { return broadcast_strides(shape, shape); }

kernels::cuda::ReduceGeometry reduce_geometry(const Shape& input, const Shape& keep) {
  check_rank(input);
  kernels::cuda::ReduceGeometry g;
  const std::vector<int64_t> strides = contiguous_strides(input);
  // Appends dim i to s, merged into the previous dim when they walk memory
  // as one (adjacent in the input and of the same kind).
  auto push = [&](kernels::cuda::Strided& s, size_t i, bool& previous_same) {
    if (previous_same && s.rank > 0 && s.stride[s.rank - 1] == strides[i] * input[i]) {
      s.shape[s.rank - 1] *= input[i];
      s.stride[s.rank - 1] = strides[i];
    } else {
      s.shape[s.rank] = input[i];
      s.stride[s.rank++] = strides[i];
    }
  };
  int last = -1;  // 0 kept, 1 reduced, -1 none
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] == 1) continue;  // size-1 dims do not move the index
    const int kind = keep[i] == 1 ? 1 : 0;
    bool same = last == kind;
    if (kind == 0) {
      push(g.kept, i, same);
      g.outputs *= input[i];
    } else {
      push(g.reduced, i, same);
      g.count *= input[i];
    }
    last = kind;
  }
  for (kernels::cuda::Strided* s : {&g.kept, &g.reduced})
    if (s->rank == 0) {
      s->rank = 1;
      s->shape[0] = 1;
      s->stride[0] = 0;
    }
  if (numel(input) == 0) g.count = 0;
  return g;
}

void gemm_zeroed(const Tensor& c, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const Tensor& a,
                 int64_t lda, const Tensor& b, int64_t ldb) {
  c.zero();
  gemm(c.device().index, trans_a, trans_b, m, n, k, 1.f, f32(a), lda, f32(b), ldb, 0.f, f32(c), n);
}

void column_sum(const Tensor& x, int64_t rows, int64_t cols, const Tensor& y) {
  const int device = x.device().index;
  DeviceBuffer scratch(device, sizeof(double) * kernels::cuda::column_sum_scratch(rows, cols));
  kernels::cuda::column_sum(f32(x), rows, cols, f32(y), 1.f, scratch.as<double>(), context(device).stream());
  // scratch returns to the cache now; the stream orders any reuse after the kernels.
}

void reduce_sum(const Tensor& x, const Shape& keep, const Tensor& y, float factor) {
  const kernels::cuda::ReduceGeometry g = reduce_geometry(x.shape(), keep);
  const int device = x.device().index;
  cudaStream_t stream = context(device).stream();
  const bool trailing_kept = g.kept.rank == 1 && g.kept.stride[0] == 1 && g.reduced.rank == 1 &&
                             g.reduced.stride[0] == g.kept.shape[0] && g.count > 1 && g.outputs > 1;
  if (trailing_kept) {
    DeviceBuffer scratch(device, sizeof(double) * kernels::cuda::column_sum_scratch(g.count, g.outputs));
    kernels::cuda::column_sum(f32(x), g.count, g.outputs, f32(y), factor, scratch.as<double>(), stream);
  } else {
    kernels::cuda::reduce_sum(f32(x), g, f32(y), factor, stream);
  }
}

}  // namespace grain::cuda
