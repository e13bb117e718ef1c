// defines: backend dispatch helpers (see backend.h)
#include "engine/backend.h"

#include "engine/error.h"

namespace grain {

namespace {
// The first defined input (null if none); `check(first, t)` runs for every
// later defined input.
template <typename Check>
const Tensor* first_defined(const std::vector<Tensor>& inputs, Check check) {
  const Tensor* first = nullptr;
  for (const Tensor& t : inputs) {
    if (!t.defined()) continue;
    if (first) check(*first, t);
    else first = &t;
  }
  return first;
}
}  // namespace

Device common_device(const char* op, const std::vector<Tensor>& inputs) {
  const Tensor* first = first_defined(inputs, [op](const Tensor& a, const Tensor& t) {
    GRAIN_CHECK(t.device() == a.device(), op << ": inputs on different devices (" << a.device().str() << " and "
                                             << t.device().str() << "); copy explicitly with Tensor::to()");
  });
  GRAIN_CHECK(first != nullptr, op << ": no defined input");
  return first->device();
}

void check_same_dtype(const char* op, const std::vector<Tensor>& inputs) {
  first_defined(inputs, [op](const Tensor& a, const Tensor& t) {
    GRAIN_CHECK(t.dtype() == a.dtype(), op << ": inputs of different dtypes (" << dtype_name(a.dtype()) << " and "
                                           << dtype_name(t.dtype()) << ")");
  });
}

void check_backend_dtypes(const char* op, Device device, const std::vector<Tensor>& tensors) {
  for (const Tensor& t : tensors) {
    if (!t.defined()) continue;
    if (device.is_cuda())
      GRAIN_CHECK(t.dtype() == DType::kFloat32,
                  op << ": the CUDA backend computes in float32, got " << dtype_name(t.dtype()));
    else
      GRAIN_CHECK(is_floating(t.dtype()),
                  op << ": dtype " << dtype_name(t.dtype()) << " not supported (float32 or float64 expected)");
  }
}

void throw_built_without_cuda(const char* what) {
  GRAIN_THROW(what << ": this binary was built without the CUDA backend (configure with -DENGINE_CUDA=ON)");
}

}  // namespace grain
