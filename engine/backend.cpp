// defines: backend dispatch helpers (see backend.h)
#include "engine/backend.h"

#include "engine/error.h"

namespace grain {

Device common_device(const char* op, const std::vector<Tensor>& inputs) {
  const Tensor* first = nullptr;
  for (const Tensor& t : inputs) {
    if (!t.defined()) continue;
    if (!first) {
      first = &t;
    } else {
      GRAIN_CHECK(t.device() == first->device(), op << ": inputs on different devices ("
                                                    << first->device().str() << " and " << t.device().str()
                                                    << "); copy explicitly with Tensor::to()");
    }
  }
  GRAIN_CHECK(first != nullptr, op << ": no defined input");
  return first->device();
}

void check_same_dtype(const char* op, const std::vector<Tensor>& inputs) {
  const Tensor* first = nullptr;
  for (const Tensor& t : inputs) {
    if (!t.defined()) continue;
    if (!first) {
      first = &t;
    } else {
      GRAIN_CHECK(t.dtype() == first->dtype(), op << ": inputs of different dtypes ("
                                                  << dtype_name(first->dtype()) << " and "
                                                  << dtype_name(t.dtype()) << ")");
    }
  }
}

void throw_not_implemented_on_cuda(const char* op) {
  GRAIN_THROW(op << ": not implemented on CUDA (the CUDA backend has no kernel for this op yet)");
}

}  // namespace grain
