// defines: common_device, check_same_dtype, check_backend_dtypes, GRAIN_DISPATCH,
//          GRAIN_CUDA_DISPATCH, kCudaBackendBuilt, throw_built_without_cuda
//
// Shared by every op's dispatch: all inputs must sit on one device (no
// implicit copies), and nothing silently falls back to the CPU.
//
// An op records its graph once; backends compute. The public function in
// `<op>.cpp` checks shapes, allocates the outputs, and calls the arithmetic
// of the inputs' device through
//     GRAIN_DISPATCH(x.device(), "conv3d", conv_forward, x, w, b, geometry, params, y);
// which calls `conv_forward_cpu(x, w, b, geometry, params, y)` (in `<op>.cpp`)
// on a CPU device and `conv_forward_cuda(...)` (in `<op>.cu`) on a CUDA
// device, then `cuda::after_op` (the GRAIN_CUDA_SYNC=1 check that names the
// op): the one place it is called for the ops. Both halves are declared in
// `<op>.h`, in every build, return nothing and write into tensors the op
// allocated (or into the op's Saved struct, or fresh gradient slots);
// `<op>.cpp` records the node and its gradient rule around them.
//
// Without the CUDA backend (-DENGINE_CUDA=OFF, no .cu file is compiled) the
// CUDA call sits in the discarded branch of an `if constexpr`: it is still
// type-checked, but it is not an odr-use, so no definition (no stub) is
// needed, and a CUDA device throws "built without the CUDA backend". That
// branch is a second line of defence: such a build cannot allocate a CUDA
// tensor in the first place (engine/no_cuda/device_runtime_absent.cpp).
//
// GRAIN_CUDA_DISPATCH is the older form that returns the CUDA call's result
// from the enclosing function (the optimisers, engine/optim/, still use it,
// and their .cu functions call cuda::after_op themselves).
#pragma once

#include <type_traits>
#include <vector>

#include "engine/tensor.h"

namespace grain {

// The device of the defined inputs; throws naming the op if they differ.
Device common_device(const char* op, const std::vector<Tensor>& inputs);
// Throws naming the op if defined inputs have different dtypes.
void check_same_dtype(const char* op, const std::vector<Tensor>& inputs);
// Throws naming the op if the backend of `device` cannot compute in the
// dtype of a defined tensor: the CPU computes in float32 and float64, the
// CUDA backend in float32 (bfloat16 arrives with mixed precision).
void check_backend_dtypes(const char* op, Device device, const std::vector<Tensor>& tensors);

#if GRAIN_WITH_CUDA
inline constexpr bool kCudaBackendBuilt = true;
#else
inline constexpr bool kCudaBackendBuilt = false;
#endif

// "<what>: this binary was built without the CUDA backend (...)".
[[noreturn]] void throw_built_without_cuda(const char* what);

namespace cuda {
// Defined in engine/cuda/context.cpp (see context.h); declared here so the
// dispatch needs no CUDA header. Only GRAIN_DISPATCH's CUDA branch calls it.
void after_op(const char* op, int device);
}  // namespace cuda

}  // namespace grain

// Calls `fn##_cpu(args...)` on a CPU `device`, `fn##_cuda(args...)` and then
// cuda::after_op(op, ...) on a CUDA one; see the file comment. A statement.
#define GRAIN_DISPATCH(device, op, fn, ...)                                                   \
  do {                                                                                        \
    static_assert(std::is_void_v<decltype(fn##_cpu(__VA_ARGS__))> &&                          \
                      std::is_void_v<decltype(fn##_cuda(__VA_ARGS__))>,                       \
                  #fn ": a backend writes into what the op passes and returns nothing");     \
    const ::grain::Device grain_dispatch_device_ = (device);                                  \
    if (grain_dispatch_device_.is_cuda()) {                                                   \
      if constexpr (::grain::kCudaBackendBuilt) {                                             \
        fn##_cuda(__VA_ARGS__);                                                               \
        ::grain::cuda::after_op(op, grain_dispatch_device_.index);                            \
      } else {                                                                                \
        ::grain::throw_built_without_cuda(op);                                                \
      }                                                                                       \
    } else {                                                                                  \
      fn##_cpu(__VA_ARGS__);                                                                  \
    }                                                                                         \
  } while (false)

// Returns `cuda_call` (an expression; may contain commas) from the enclosing
// function when `device` is a CUDA device; see the file comment.
#define GRAIN_CUDA_DISPATCH(device, op, ... /* cuda_call */)   \
  do {                                                         \
    if ((device).is_cuda()) {                                  \
      if constexpr (::grain::kCudaBackendBuilt) {              \
        return __VA_ARGS__;                                    \
      } else {                                                 \
        ::grain::throw_built_without_cuda(op);                 \
      }                                                        \
    }                                                          \
  } while (false)
