// defines: grain::Tensor and grain::Storage
#include "engine/tensor.h"

#include <cmath>
#include <cstring>
#include <iomanip>
#include <sstream>

#include "engine/autograd.h"
#include "engine/device_runtime.h"
#include "engine/error.h"
#include "engine/ops/elementwise_accumulate.h"
#include "kernels/counter_rng.h"

namespace grain {

Storage::Storage(size_t bytes_, Device device_) : bytes(bytes_), device(device_) {
  data = device_runtime::allocate(device, bytes);
}

Storage::~Storage() { device_runtime::release(device, data, bytes); }

namespace {

std::shared_ptr<TensorImpl> make_impl(const Shape& shape, DType dtype, Device device) {
  for (int64_t d : shape) GRAIN_CHECK(d >= 0, "tensor: negative dimension in shape " << shape);
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->dtype = dtype;
  impl->storage = std::make_shared<Storage>(static_cast<size_t>(numel(shape)) * dtype_size(dtype), device);
  return impl;
}

// Writes value (a double) as dtype at element i.
void store_as(void* base, DType dtype, int64_t i, double value) {
  switch (dtype) {
    case DType::kFloat32: static_cast<float*>(base)[i] = static_cast<float>(value); break;
    case DType::kFloat64: static_cast<double*>(base)[i] = value; break;
    case DType::kInt32: static_cast<int32_t*>(base)[i] = static_cast<int32_t>(value); break;
    case DType::kInt64: static_cast<int64_t*>(base)[i] = static_cast<int64_t>(value); break;
    default: GRAIN_THROW("tensor: cannot write " << dtype_name(dtype) << " elements on the CPU");
  }
}

double load_as_double(const void* base, DType dtype, int64_t i) {
  switch (dtype) {
    case DType::kFloat32: return static_cast<const float*>(base)[i];
    case DType::kFloat64: return static_cast<const double*>(base)[i];
    case DType::kInt32: return static_cast<const int32_t*>(base)[i];
    case DType::kInt64: return static_cast<double>(static_cast<const int64_t*>(base)[i]);
    default: GRAIN_THROW("tensor: cannot read " << dtype_name(dtype) << " elements on the CPU");
  }
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  return Tensor(make_impl(shape, dtype, device));
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  t.zero();
  return t;
}

Tensor Tensor::full(const Shape& shape, double value, DType dtype) {
  Tensor t = empty(shape, dtype);
  t.fill(value);
  return t;
}

Tensor Tensor::from_vector(const std::vector<double>& values, const Shape& shape, DType dtype) {
  GRAIN_CHECK(static_cast<int64_t>(values.size()) == grain::numel(shape),
              "from_vector: " << values.size() << " values for shape " << shape);
  Tensor t = empty(shape, dtype);
  for (size_t i = 0; i < values.size(); ++i) store_as(t.raw_data(), dtype, static_cast<int64_t>(i), values[i]);
  return t;
}

Tensor Tensor::from_indices(const std::vector<int64_t>& values, const Shape& shape) {
  GRAIN_CHECK(static_cast<int64_t>(values.size()) == grain::numel(shape),
              "from_indices: " << values.size() << " values for shape " << shape);
  Tensor t = empty(shape, DType::kInt64);
  if (!values.empty()) std::memcpy(t.raw_data(), values.data(), values.size() * sizeof(int64_t));
  return t;
}

Tensor Tensor::uniform(const Shape& shape, double low, double high, uint64_t seed, DType dtype) {
  Tensor t = empty(shape, dtype);
  const int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i)
    store_as(t.raw_data(), dtype, i, low + (high - low) * kernels::counter_uniform(seed, static_cast<uint64_t>(i)));
  return t;
}

Tensor Tensor::normal(const Shape& shape, double mean, double stddev, uint64_t seed, DType dtype) {
  Tensor t = empty(shape, dtype);
  const int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) {
    // Box-Muller on two counter draws; 1 - u keeps the logarithm finite.
    const double u1 = 1.0 - kernels::counter_uniform(seed, 2 * static_cast<uint64_t>(i));
    const double u2 = kernels::counter_uniform(seed, 2 * static_cast<uint64_t>(i) + 1);
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    store_as(t.raw_data(), dtype, i, mean + stddev * z);
  }
  return t;
}

Tensor Tensor::view_of(std::shared_ptr<Storage> storage, size_t offset_bytes, const Shape& shape, DType dtype) {
  GRAIN_CHECK(offset_bytes + static_cast<size_t>(grain::numel(shape)) * dtype_size(dtype) <= storage->bytes,
              "view_of: view " << shape << " at byte " << offset_bytes << " exceeds a storage of "
                               << storage->bytes << " bytes");
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->dtype = dtype;
  impl->storage = std::move(storage);
  impl->offset_bytes = offset_bytes;
  return Tensor(impl);
}

const Shape& Tensor::shape() const {
  GRAIN_CHECK(impl_, "tensor: use of an undefined tensor");
  return impl_->shape;
}

int64_t Tensor::size(int64_t d) const { return shape()[normalize_dim(d, shape().size(), "size")]; }

DType Tensor::dtype() const {
  GRAIN_CHECK(impl_, "tensor: use of an undefined tensor");
  return impl_->dtype;
}

Device Tensor::device() const {
  GRAIN_CHECK(impl_, "tensor: use of an undefined tensor");
  return impl_->storage->device;
}

void* Tensor::raw_data() const {
  GRAIN_CHECK(impl_, "tensor: use of an undefined tensor");
  return static_cast<char*>(impl_->storage->data) + impl_->offset_bytes;
}

void Tensor::check_access(DType requested) const {
  GRAIN_CHECK(impl_, "tensor: use of an undefined tensor");
  GRAIN_CHECK(impl_->dtype == requested, "tensor: data<" << dtype_name(requested) << ">() on a "
                                                         << dtype_name(impl_->dtype) << " tensor");
  GRAIN_CHECK(device().is_cpu(), "tensor: host access to data on " << device().str()
                                                                   << "; copy with .to(Device::cpu()) first");
}

double Tensor::item() const {
  GRAIN_CHECK(numel() == 1, "item: tensor of shape " << shape() << " has " << numel() << " elements, not 1");
  const Tensor host = to(Device::cpu());
  return load_as_double(host.raw_data(), dtype(), 0);
}

std::vector<double> Tensor::to_vector() const {
  const Tensor host = to(Device::cpu());
  std::vector<double> values(static_cast<size_t>(numel()));
  for (int64_t i = 0; i < numel(); ++i) values[i] = load_as_double(host.raw_data(), dtype(), i);
  return values;
}

Tensor Tensor::to(Device target) const {
  if (device() == target) return *this;
  Tensor out = empty(shape(), dtype(), target);
  device_runtime::copy(out.raw_data(), target, raw_data(), device(), nbytes());
  return out;
}

Tensor Tensor::to(DType target) const {
  GRAIN_CHECK(device().is_cpu(), "to(dtype): only CPU tensors can be cast, got " << device().str());
  if (dtype() == target) return clone();
  Tensor out = empty(shape(), target);
  for (int64_t i = 0; i < numel(); ++i) store_as(out.raw_data(), target, i, load_as_double(raw_data(), dtype(), i));
  return out;
}

Tensor Tensor::clone() const {
  Tensor out = empty(shape(), dtype(), device());
  device_runtime::copy(out.raw_data(), device(), raw_data(), device(), nbytes());
  return out;
}

void Tensor::copy_from(const Tensor& src) const {
  GRAIN_CHECK(src.shape() == shape() && src.dtype() == dtype(),
              "copy_from: source " << src.shape() << " " << dtype_name(src.dtype()) << " into "
                                   << shape() << " " << dtype_name(dtype()));
  device_runtime::copy(raw_data(), device(), src.raw_data(), src.device(), nbytes());
}

void Tensor::fill(double value) const {
  if (value == 0.0) return zero();
  GRAIN_CHECK(device().is_cpu(), "fill: only CPU tensors can be filled with a non-zero value");
  for (int64_t i = 0; i < numel(); ++i) store_as(raw_data(), dtype(), i, value);
}

void Tensor::zero() const { device_runtime::fill_zero(raw_data(), device(), nbytes()); }

bool Tensor::requires_grad() const { return impl_ && impl_->requires_grad; }

Tensor& Tensor::set_requires_grad(bool flag) {
  GRAIN_CHECK(is_leaf(), "set_requires_grad: only leaves can change requires_grad (use detach())");
  GRAIN_CHECK(!flag || is_floating(dtype()), "set_requires_grad: " << dtype_name(dtype())
                                                                    << " tensors cannot require grad");
  impl_->requires_grad = flag;
  return *this;
}

bool Tensor::is_leaf() const { return impl_ && !impl_->grad_fn; }

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = impl_->shape;
  impl->dtype = impl_->dtype;
  impl->storage = impl_->storage;
  impl->offset_bytes = impl_->offset_bytes;
  return Tensor(impl);
}

Tensor Tensor::grad() const { return impl_ && impl_->grad ? Tensor(impl_->grad) : Tensor(); }

void Tensor::set_grad(const Tensor& grad) {
  GRAIN_CHECK(grad.shape() == shape() && grad.dtype() == dtype(),
              "set_grad: gradient " << grad.shape() << " for a tensor " << shape());
  impl_->grad = grad.impl_ptr();
}

void Tensor::zero_grad() {
  if (impl_ && impl_->grad) Tensor(impl_->grad).zero();
}

void Tensor::backward() const { grain::backward(*this); }

std::string Tensor::to_string(int max_elements) const {
  if (!defined()) return "Tensor(undefined)";
  std::ostringstream os;
  os << "Tensor(" << shape_str(shape()) << ", " << dtype_name(dtype()) << ", " << device().str();
  if (requires_grad()) os << ", requires_grad";
  os << ") [";
  if (dtype() == DType::kFloat32 || dtype() == DType::kFloat64 || dtype() == DType::kInt32 ||
      dtype() == DType::kInt64) {
    const std::vector<double> values = to_vector();
    const size_t shown = std::min(values.size(), static_cast<size_t>(max_elements));
    os << std::setprecision(6);
    for (size_t i = 0; i < shown; ++i) os << (i ? ", " : "") << values[i];
    if (shown < values.size()) os << ", ... (" << values.size() << " elements)";
  }
  os << "]";
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << t.to_string(); }

}  // namespace grain
