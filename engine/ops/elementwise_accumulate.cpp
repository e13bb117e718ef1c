// defines: gradient accumulation arithmetic, add_into_cpu (see elementwise_accumulate.h)
#include "engine/ops/elementwise_accumulate.h"

#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

namespace {
void check_pair(const char* op, const Tensor& a, const Tensor& b) {
  GRAIN_CHECK(a.shape() == b.shape() && a.dtype() == b.dtype(),
              op << ": " << a.shape() << " " << dtype_name(a.dtype()) << " vs " << b.shape() << " "
                 << dtype_name(b.dtype()));
  common_device(op, {a, b});
}
}  // namespace

void add_into_cpu(const Tensor& dst, const Tensor& src) {
  dispatch_floating(dst.dtype(), "add_into", [&]<typename T>() {
    T* d = dst.data<T>();
    const T* s = src.data<T>();
    const int64_t n = dst.numel();
#pragma omp parallel for if (n > 65536)
    for (int64_t i = 0; i < n; ++i) d[i] += s[i];
  });
}

void add_into(const Tensor& dst, const Tensor& src) {
  check_pair("add_into", dst, src);
  check_backend_dtypes("add_into", dst.device(), {dst, src});
  GRAIN_DISPATCH(dst.device(), "add_into", add_into, dst, src);
}

Tensor add_values(const Tensor& a, const Tensor& b) {
  check_pair("add_values", a, b);
  Tensor out = a.clone();
  add_into(out, b);
  return out;
}

void accumulate_into_leaf(TensorImpl* leaf, const Tensor& g) {
  if (!leaf->grad) {
    leaf->grad = g.clone().impl_ptr();
    return;
  }
  add_into(Tensor(leaf->grad), g);
}

}  // namespace grain
