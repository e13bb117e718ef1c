// defines: CUDA test helpers (see test_support.h)
#include "tests/cuda/test_support.h"

#include <cmath>
#include <cstring>
#include <sstream>

#include "engine/cuda/check.h"
#include "kernels/counter_rng.h"

namespace grain::cuda_test {

cudaStream_t stream() { return cuda::context(0).stream(); }
void sync() { GRAIN_CUDA_CHECK(cudaStreamSynchronize(stream())); }

template <typename T>
cuda::DeviceBuffer upload(const std::vector<T>& values) {
  cuda::DeviceBuffer b(0, values.size() * sizeof(T) + 1);
  if (!values.empty())
    GRAIN_CUDA_CHECK(cudaMemcpyAsync(b.data(), values.data(), values.size() * sizeof(T), cudaMemcpyHostToDevice, stream()));
  sync();
  return b;
}

template <typename T>
std::vector<T> download(const cuda::DeviceBuffer& buffer, size_t count) {
  std::vector<T> out(count);
  sync();
  if (count) GRAIN_CUDA_CHECK(cudaMemcpy(out.data(), buffer.data(), count * sizeof(T), cudaMemcpyDeviceToHost));
  return out;
}

template cuda::DeviceBuffer upload<float>(const std::vector<float>&);
template cuda::DeviceBuffer upload<int64_t>(const std::vector<int64_t>&);
template cuda::DeviceBuffer upload<double>(const std::vector<double>&);
template std::vector<float> download<float>(const cuda::DeviceBuffer&, size_t);
template std::vector<int64_t> download<int64_t>(const cuda::DeviceBuffer&, size_t);
template std::vector<double> download<double>(const cuda::DeviceBuffer&, size_t);

std::vector<float> random_floats(size_t n, uint64_t seed, float low, float high) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<float>(low + (high - low) * kernels::counter_uniform(seed, i));
  return v;
}

Comparison compare(const std::vector<double>& reference, const std::vector<double>& actual, double atol, double rtol,
                   const std::string& what) {
  Comparison c;
  std::ostringstream os;
  if (reference.size() != actual.size()) {
    c.ok = false;
    os << what << ": " << reference.size() << " reference values, " << actual.size() << " actual";
    c.message = os.str();
    return c;
  }
  size_t worst = 0, failures = 0;
  double worst_excess = -1;
  for (size_t i = 0; i < reference.size(); ++i) {
    const double r = reference[i], a = actual[i];
    const double bound = atol + rtol * std::fabs(r);
    const double error = std::fabs(a - r);
    const bool bad = std::isnan(a) || std::isnan(r) || !(error <= bound);
    const double excess = std::isnan(error) ? 1e300 : error - bound;
    if (bad) ++failures;
    if (excess > worst_excess) {
      worst_excess = excess;
      worst = i;
    }
  }
  c.ok = failures == 0;
  os << what << ": " << failures << " of " << reference.size() << " elements outside |a - r| <= " << atol << " + "
     << rtol << " |r|";
  if (!reference.empty())
    os << "; worst element " << worst << ": reference " << reference[worst] << " actual " << actual[worst];
  os << "; first pairs:";
  for (size_t i = 0; i < reference.size() && i < 4; ++i) os << " (" << reference[i] << ", " << actual[i] << ")";
  c.message = os.str();
  return c;
}

Comparison compare(const Tensor& reference, const Tensor& actual, double atol, double rtol, const std::string& what) {
  if (reference.shape() != actual.shape()) {
    Comparison c;
    c.ok = false;
    c.message = what + ": shapes " + shape_str(reference.shape()) + " vs " + shape_str(actual.shape());
    return c;
  }
  return compare(reference.to(Device::cpu()).to_vector(), actual.to(Device::cpu()).to_vector(), atol, rtol, what);
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  const Tensor ha = a.to(Device::cpu()), hb = b.to(Device::cpu());
  return ha.shape() == hb.shape() && ha.dtype() == hb.dtype() &&
         std::memcmp(ha.raw_data(), hb.raw_data(), ha.nbytes()) == 0;
}

}  // namespace grain::cuda_test
