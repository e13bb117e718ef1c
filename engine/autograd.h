// defines: grain::Node, record, backward, NoGradGuard, grad_enabled
//
// Reverse-mode autograd. Every op whose inputs require gradients records a
// Node: its inputs (the edges of the graph), the metadata of its outputs and a
// backward function that maps output gradients to input gradients. The tape
// is this graph: backward() orders the nodes reachable from the loss
// topologically and runs them in reverse.
//
// Gradients are accumulated in exactly one place, backward() in autograd.cpp:
// backward functions return fresh gradients and never accumulate; a leaf's
// gradient is added into its grad buffer (for parameters, a view into the
// model's flat gradient buffer), intermediate gradients are summed out of
// place. After backward() every visited node drops its saved tensors and
// edges: the graph is freed, and a second backward through it is an error.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace grain {

// grads[i] = d loss / d input i; undefined where needs_input_grad[i] is false.
using BackwardFn = std::function<std::vector<Tensor>(const std::vector<Tensor>& grad_outputs,
                                                     const std::vector<bool>& needs_input_grad)>;

struct Node {
  struct OutputMeta {
    Shape shape;
    DType dtype;
    Device device;
  };
  std::string op;
  std::vector<std::shared_ptr<TensorImpl>> inputs;  // null for undefined optional inputs
  std::vector<bool> needs_input_grad;
  std::vector<OutputMeta> outputs;
  BackwardFn backward;
  bool freed = false;
};

// False inside a NoGradGuard scope (thread-local).
bool grad_enabled();

class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// True when grad mode is on and any defined input requires a gradient.
bool needs_graph(const std::vector<Tensor>& inputs);

// Records a node producing `outputs` from `inputs` if needs_graph(inputs);
// marks the outputs as requiring grad. Undefined inputs are allowed.
void record(const char* op, const std::vector<Tensor>& inputs, std::vector<Tensor>& outputs,
            BackwardFn backward);

// Single-output convenience form.
using BackwardFn1 =
    std::function<std::vector<Tensor>(const Tensor& grad_output, const std::vector<bool>& needs_input_grad)>;
void record(const char* op, const std::vector<Tensor>& inputs, Tensor& output, BackwardFn1 backward);

// Runs reverse mode from a one-element tensor (d root / d root = 1).
void backward(const Tensor& root);

}  // namespace grain
