// defines: grain::Tensor, grain::Storage, grain::TensorImpl
//
// A tensor is a shape, a dtype, a device and a contiguous run of elements in a
// reference-counted Storage (at a byte offset, so parameters can be views into
// one flat buffer). There are no strides: every tensor is row-major
// contiguous, which keeps every kernel simple; ops that change the layout
// (permute, slice, concat) return new tensors, reshape returns a view.
//
// Autograd state sits on the TensorImpl: requires_grad, the Node that
// produced it (grad_fn) and, for leaves, the accumulated gradient. See
// engine/autograd.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/device.h"
#include "engine/dtype.h"
#include "engine/shape.h"

namespace grain {

struct Node;

struct Storage {
  Storage(size_t bytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data = nullptr;
  size_t bytes = 0;
  Device device;
};

struct TensorImpl {
  Shape shape;
  DType dtype = DType::kFloat32;
  std::shared_ptr<Storage> storage;
  size_t offset_bytes = 0;

  bool requires_grad = false;
  std::shared_ptr<Node> grad_fn;   // producer, for non-leaves
  int output_index = 0;            // which output of grad_fn this is
  std::shared_ptr<TensorImpl> grad;  // accumulated gradient, for leaves
  std::string name;                // parameter name, used in messages
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- construction (values are uninitialised for empty) ----
  static Tensor empty(const Shape& shape, DType dtype = DType::kFloat32, Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, DType dtype = DType::kFloat32, Device device = Device::cpu());
  static Tensor full(const Shape& shape, double value, DType dtype = DType::kFloat32);
  static Tensor ones(const Shape& shape, DType dtype = DType::kFloat32) { return full(shape, 1.0, dtype); }
  static Tensor scalar(double value, DType dtype = DType::kFloat32) { return full({}, value, dtype); }
  // Copies values (converted to dtype) into a new CPU tensor.
  static Tensor from_vector(const std::vector<double>& values, const Shape& shape,
                            DType dtype = DType::kFloat32);
  static Tensor from_indices(const std::vector<int64_t>& values, const Shape& shape);
  // Counter-based random values (kernels/counter_rng.h): the same on every backend.
  static Tensor uniform(const Shape& shape, double low, double high, uint64_t seed,
                        DType dtype = DType::kFloat32);
  static Tensor normal(const Shape& shape, double mean, double stddev, uint64_t seed,
                       DType dtype = DType::kFloat32);
  // A view of `shape` into existing storage at a byte offset (flat buffers).
  static Tensor view_of(std::shared_ptr<Storage> storage, size_t offset_bytes, const Shape& shape,
                        DType dtype);

  // ---- metadata ----
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t d) const;  // negative d counts from the end
  int64_t numel() const { return grain::numel(shape()); }
  DType dtype() const;
  Device device() const;
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype()); }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool same(const Tensor& other) const { return impl_ == other.impl_; }

  // ---- data (CPU only; checks dtype) ----
  void* raw_data() const;
  template <typename T> T* data() const {
    check_access(dtype_of<T>());
    return static_cast<T*>(raw_data());
  }
  double item() const;                       // a one-element float/int tensor
  std::vector<double> to_vector() const;     // any dtype, as double (CPU)

  // ---- copies and conversions (never implicit) ----
  Tensor to(Device device) const;            // copy to another device (no-op if same)
  Tensor to(DType dtype) const;              // CPU cast to a new tensor, no autograd
  Tensor clone() const;                      // deep copy, no autograd
  void copy_from(const Tensor& src) const;   // in place (writes the storage), same shape and dtype; no autograd
  void fill(double value) const;             // in place; no autograd
  void zero() const;

  // ---- autograd (see engine/autograd.h) ----
  bool requires_grad() const;
  Tensor& set_requires_grad(bool flag);      // leaves only
  bool is_leaf() const;
  Tensor detach() const;                     // same storage, cut from the graph
  Tensor grad() const;                       // accumulated gradient of a leaf (undefined if none)
  void set_grad(const Tensor& grad);         // make `grad` the leaf's gradient buffer
  void zero_grad();
  void backward() const;                     // from a one-element tensor

  std::string to_string(int max_elements = 32) const;  // debug print

 private:
  void check_access(DType requested) const;
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace grain
