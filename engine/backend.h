// defines: common_device, check_same_dtype, GRAIN_CUDA_DISPATCH,
//          kCudaBackendBuilt, throw_built_without_cuda
//
// Shared by every op's dispatch: all inputs must sit on one device (no
// implicit copies), and nothing silently falls back to the CPU.
//
// How an op reaches its CUDA half. Every op declares its CUDA entry points
// (`<op>_cuda`, defined in `<op>.cu`) in `<op>.h`, in every build, and its
// public function in `<op>.cpp` begins with
//     GRAIN_CUDA_DISPATCH(x.device(), "conv3d", conv_cuda("conv3d", x, w, b, p, y));
// With the CUDA backend this returns the call's result when the device is a
// CUDA device. Without it (-DENGINE_CUDA=OFF, no .cu file is compiled) the
// call sits in the discarded branch of an `if constexpr`: it is still
// type-checked, but it is not an odr-use, so no definition (no stub) is
// needed, and a CUDA device throws "built without the CUDA backend". That
// branch is a second line of defence: such a build cannot allocate a CUDA
// tensor in the first place (engine/no_cuda/device_runtime_absent.cpp).
#pragma once

#include <vector>

#include "engine/tensor.h"

namespace grain {

// The device of the defined inputs; throws naming the op if they differ.
Device common_device(const char* op, const std::vector<Tensor>& inputs);
// Throws naming the op if defined inputs have different dtypes.
void check_same_dtype(const char* op, const std::vector<Tensor>& inputs);

#if GRAIN_WITH_CUDA
inline constexpr bool kCudaBackendBuilt = true;
#else
inline constexpr bool kCudaBackendBuilt = false;
#endif

// "<what>: this binary was built without the CUDA backend (...)".
[[noreturn]] void throw_built_without_cuda(const char* what);

}  // namespace grain

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
