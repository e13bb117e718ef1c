// defines: embedding, embedding_forward_cpu, embedding_backward_cpu (see embedding.h)
#include "engine/ops/embedding.h"

#include <cstring>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

void embedding_forward_cpu(const Tensor& ids, const Tensor& weight, const Tensor& y) {
  const int64_t* id = ids.data<int64_t>();
  const size_t row_bytes = weight.size(1) * dtype_size(weight.dtype());
  for (int64_t i = 0; i < ids.numel(); ++i)
    std::memcpy(static_cast<char*>(y.raw_data()) + i * row_bytes,
                static_cast<const char*>(weight.raw_data()) + id[i] * row_bytes, row_bytes);
}

void embedding_backward_cpu(const Tensor& ids, const Tensor& dy, const Tensor& dweight) {
  dweight.zero();
  const int64_t width = dweight.size(1);
  dispatch_floating(dy.dtype(), "embedding backward", [&]<typename T>() {
    const int64_t* id = ids.data<int64_t>();
    const T* g = dy.data<T>();
    T* d = dweight.data<T>();
    for (int64_t i = 0; i < ids.numel(); ++i)
      for (int64_t e = 0; e < width; ++e) d[id[i] * width + e] += g[i * width + e];
  });
}

Tensor embedding(const Tensor& ids, const Tensor& weight) {
  const Device device = common_device("embedding", {ids, weight});
  GRAIN_CHECK(ids.dtype() == DType::kInt64, "embedding: ids must be int64, got " << dtype_name(ids.dtype()));
  GRAIN_CHECK(weight.dim() == 2, "embedding: weight must be [V, E], got " << weight.shape());
  check_backend_dtypes("embedding", device, {weight});
  // An id outside the table would read out of bounds: checked on the host (a
  // copy for a device tensor; ids are a few hundred values per batch).
  const int64_t vocab = weight.size(0);
  const Tensor host_ids = ids.to(Device::cpu());
  const int64_t* id = host_ids.data<int64_t>();
  for (int64_t i = 0; i < ids.numel(); ++i)
    GRAIN_CHECK(id[i] >= 0 && id[i] < vocab,
                "embedding: id " << id[i] << " at position " << i << " is outside the vocabulary [0, " << vocab << ")");
  Shape out_shape = ids.shape();
  out_shape.push_back(weight.size(1));
  Tensor y = Tensor::empty(out_shape, weight.dtype(), device);
  GRAIN_DISPATCH(device, "embedding", embedding_forward, ids, weight, y);
  record("embedding", {ids, weight}, y, [ids, w_shape = weight.shape()](const Tensor& dy, const std::vector<bool>&) {
    Tensor dweight = Tensor::empty(w_shape, dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), "embedding backward", embedding_backward, ids, dy, dweight);
    return std::vector<Tensor>{Tensor(), dweight};
  });
  return y;
}

}  // namespace grain
