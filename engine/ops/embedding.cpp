// defines: embedding (see embedding.h)
#include "engine/ops/embedding.h"

#include <cstring>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

Tensor embedding(const Tensor& ids, const Tensor& weight) {
  const Device device = common_device("embedding", {ids, weight});
  GRAIN_CHECK(ids.dtype() == DType::kInt64, "embedding: ids must be int64, got " << dtype_name(ids.dtype()));
  GRAIN_CHECK(weight.dim() == 2, "embedding: weight must be [V, E], got " << weight.shape());
  GRAIN_CUDA_DISPATCH(device, "embedding", embedding_cuda(ids, weight));
  const int64_t vocab = weight.size(0), width = weight.size(1), n = ids.numel();
  const int64_t* id = ids.data<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    GRAIN_CHECK(id[i] >= 0 && id[i] < vocab,
                "embedding: id " << id[i] << " at position " << i << " is outside the vocabulary [0, " << vocab << ")");
  Shape out_shape = ids.shape();
  out_shape.push_back(width);
  Tensor y = Tensor::empty(out_shape, weight.dtype(), device);
  const size_t row_bytes = width * dtype_size(weight.dtype());
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(static_cast<char*>(y.raw_data()) + i * row_bytes,
                static_cast<const char*>(weight.raw_data()) + id[i] * row_bytes, row_bytes);
  record("embedding", {ids, weight}, y, [ids, w_shape = weight.shape()](const Tensor& dy, const std::vector<bool>&) {
    Tensor dw = Tensor::zeros(w_shape, dy.dtype(), dy.device());
    const int64_t width = w_shape[1];
    dispatch_floating(dy.dtype(), "embedding backward", [&]<typename T>() {
      const int64_t* id = ids.data<int64_t>();
      const T* g = dy.data<T>();
      T* d = dw.data<T>();
      for (int64_t i = 0; i < ids.numel(); ++i)
        for (int64_t e = 0; e < width; ++e) d[id[i] * width + e] += g[i * width + e];
    });
    return std::vector<Tensor>{Tensor(), dw};
  });
  return y;
}

}  // namespace grain
