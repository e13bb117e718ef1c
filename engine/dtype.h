// defines: grain::DType, dtype_size, dtype_name, dtype_of<T>, dispatch_floating
//
// Element types. Storage sizes for bfloat16/float16 are known so tensors of
// those types can be allocated and moved; ops compute in float32/float64 only
// (mixed precision is a later step of the CUDA backend).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/error.h"

namespace grain {

enum class DType : uint8_t { kFloat32, kFloat64, kInt32, kInt64, kBFloat16, kFloat16 };

constexpr size_t dtype_size(DType t) {
  switch (t) {
    case DType::kFloat32: return 4;
    case DType::kFloat64: return 8;
    case DType::kInt32: return 4;
    case DType::kInt64: return 8;
    case DType::kBFloat16: return 2;
    case DType::kFloat16: return 2;
  }
  return 0;
}

constexpr const char* dtype_name(DType t) {
  switch (t) {
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
    case DType::kInt32: return "int32";
    case DType::kInt64: return "int64";
    case DType::kBFloat16: return "bfloat16";
    case DType::kFloat16: return "float16";
  }
  return "?";
}

constexpr bool is_floating(DType t) { return t == DType::kFloat32 || t == DType::kFloat64; }

template <typename T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::kFloat32; }
template <> constexpr DType dtype_of<double>() { return DType::kFloat64; }
template <> constexpr DType dtype_of<int32_t>() { return DType::kInt32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::kInt64; }

// Calls fn.template operator()<T>() with T = float or double.
// Usage: dispatch_floating(x.dtype(), "relu", [&]<typename T>() { ... });
template <typename Fn>
decltype(auto) dispatch_floating(DType t, const char* op, Fn&& fn) {
  switch (t) {
    case DType::kFloat32: return fn.template operator()<float>();
    case DType::kFloat64: return fn.template operator()<double>();
    default: break;
  }
  GRAIN_THROW(op << ": dtype " << dtype_name(t) << " not supported (float32 or float64 expected)");
}

}  // namespace grain
