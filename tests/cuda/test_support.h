// defines: helpers of the CUDA tests — device buffers from host vectors,
// tolerance comparison that names the worst element, seeded host data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/cuda/context.h"
#include "engine/tensor.h"

namespace grain::cuda_test {

// Host <-> device copies on device 0's stream (synchronous for the host).
template <typename T>
cuda::DeviceBuffer upload(const std::vector<T>& values);
template <typename T>
std::vector<T> download(const cuda::DeviceBuffer& buffer, size_t count);
cudaStream_t stream();
void sync();

// U(low, high) values from the counter RNG.
std::vector<float> random_floats(size_t n, uint64_t seed, float low = -1.f, float high = 1.f);

struct Comparison {
  bool ok = true;
  std::string message;  // the worst element and a few (reference, actual) pairs
};
// |actual - reference| <= atol + rtol |reference| everywhere; NaN never passes.
Comparison compare(const std::vector<double>& reference, const std::vector<double>& actual, double atol, double rtol,
                   const std::string& what);
Comparison compare(const Tensor& reference, const Tensor& actual, double atol, double rtol, const std::string& what);
// Bitwise equality (determinism).
bool bitwise_equal(const Tensor& a, const Tensor& b);

}  // namespace grain::cuda_test
