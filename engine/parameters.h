// defines: grain::ParameterStore, grain::Parameter
//
// All parameters of a model live in one flat buffer and all their gradients
// in another, each parameter a view at its offset: one all-reduce, one
// optimizer pass and a trivial checkpoint. A model declares its parameters
// (name, shape) first; materialize() then allocates both buffers on a device
// and makes each parameter a leaf that requires grad, whose gradient buffer
// is its view into the flat gradient buffer (autograd accumulates there).
// Frozen parameters (transfer learning) do not require grad and are skipped
// by the optimisers.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.h"

namespace grain {

struct Parameter {
  std::string name;  // PyTorch-style, e.g. "encoder.lstm.weight_ih_l0"
  Shape shape;
  int64_t offset = 0;  // in elements, into the flat buffers
  bool frozen = false;
  // A buffer (batch norm's running statistics): saved in checkpoints with the
  // parameters, never differentiated, never updated by an optimizer.
  bool buffer = false;
  Tensor value;        // view into the flat parameter buffer (after materialize)
  // How to permute `value` into PyTorch's layout for checkpoints (empty: the
  // same layout). Convolution weights are (Cout, kT, kH, kW, Cin) here and
  // (Cout, Cin, kT, kH, kW) in PyTorch: {0, 4, 1, 2, 3}.
  std::vector<int64_t> to_pytorch_layout;
};

class ParameterStore {
 public:
  explicit ParameterStore(DType dtype = DType::kFloat32) : dtype_(dtype) {}

  // Declares a parameter; names must be unique. Valid until the store dies.
  std::shared_ptr<Parameter> declare(const std::string& name, const Shape& shape);
  // Declares a buffer: stored like a parameter, never trained.
  std::shared_ptr<Parameter> declare_buffer(const std::string& name, const Shape& shape);
  // Allocates the flat buffers (zeros) on `device` and creates the views.
  void materialize(Device device = Device::cpu());
  bool materialized() const { return values_.defined(); }

  // Freezes (or unfreezes) every parameter whose name starts with prefix;
  // returns how many matched (buffers stay untrainable either way).
  int set_frozen(const std::string& prefix, bool frozen);
  void zero_grad();

  const std::vector<std::shared_ptr<Parameter>>& parameters() const { return parameters_; }
  std::shared_ptr<Parameter> find(const std::string& name) const;  // null if absent
  // [offset, count) element ranges of the parameters that are neither frozen
  // nor buffers, neighbouring ranges merged.
  std::vector<std::pair<int64_t, int64_t>> trainable_ranges() const;

  const Tensor& values() const { return values_; }     // flat [P]
  const Tensor& gradients() const { return grads_; }   // flat [P]
  int64_t size() const { return total_; }
  DType dtype() const { return dtype_; }

 private:
  DType dtype_;
  int64_t total_ = 0;
  std::vector<std::shared_ptr<Parameter>> parameters_;
  Tensor values_, grads_;
};

}  // namespace grain
