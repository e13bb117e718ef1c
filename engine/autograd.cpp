// defines: the autograd graph walk (see autograd.h)
#include "engine/autograd.h"

#include <unordered_map>
#include <unordered_set>

#include "engine/error.h"
#include "engine/ops/elementwise_accumulate.h"

namespace grain {

namespace {
thread_local bool g_grad_enabled = true;
}

bool grad_enabled() { return g_grad_enabled; }

NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

bool needs_graph(const std::vector<Tensor>& inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

void record(const char* op, const std::vector<Tensor>& inputs, std::vector<Tensor>& outputs,
            BackwardFn backward) {
  if (!needs_graph(inputs)) return;
  auto node = std::make_shared<Node>();
  node->op = op;
  for (const Tensor& t : inputs) {
    node->inputs.push_back(t.defined() ? t.impl_ptr() : nullptr);
    node->needs_input_grad.push_back(t.defined() && t.requires_grad());
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& out = outputs[i];
    node->outputs.push_back({out.shape(), out.dtype(), out.device()});
    out.impl()->requires_grad = true;
    out.impl()->grad_fn = node;
    out.impl()->output_index = static_cast<int>(i);
  }
  node->backward = std::move(backward);
}

void record(const char* op, const std::vector<Tensor>& inputs, Tensor& output, BackwardFn1 backward) {
  std::vector<Tensor> outputs{output};
  record(op, inputs, outputs,
         [fn = std::move(backward)](const std::vector<Tensor>& dy, const std::vector<bool>& need) {
           return fn(dy[0], need);
         });
}

namespace {

// Nodes reachable from `root`, every node after all the nodes that consume
// its outputs (reverse topological order), by an iterative depth-first walk.
// Shared pointers: freeing a node's edges during the walk must not destroy
// the nodes still waiting in the order.
std::vector<std::shared_ptr<Node>> order_for_backward(const std::shared_ptr<Node>& root) {
  std::vector<std::shared_ptr<Node>> post_order;
  std::unordered_set<Node*> visited;
  std::vector<std::pair<std::shared_ptr<Node>, size_t>> stack{{root, 0}};
  visited.insert(root.get());
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      const auto& input = node->inputs[next++];
      if (input && input->grad_fn && visited.insert(input->grad_fn.get()).second)
        stack.push_back({input->grad_fn, 0});
    } else {
      post_order.push_back(node);
      stack.pop_back();
    }
  }
  return {post_order.rbegin(), post_order.rend()};
}

void free_node(Node* node) {
  node->backward = nullptr;
  node->inputs.clear();
  node->freed = true;
}

}  // namespace

void backward(const Tensor& root) {
  GRAIN_CHECK(root.defined(), "backward: undefined tensor");
  GRAIN_CHECK(root.numel() == 1, "backward: the root must have one element, got shape " << root.shape());
  GRAIN_CHECK(root.requires_grad(), "backward: the root does not require grad (no input requires grad, "
                                    "or it was computed under NoGradGuard)");
  const Tensor seed = Tensor::full(root.shape(), 1.0, root.dtype()).to(root.device());
  TensorImpl* root_impl = root.impl();
  if (!root_impl->grad_fn) {  // a leaf: d root / d root
    accumulate_into_leaf(root_impl, seed);
    return;
  }
  GRAIN_CHECK(!root_impl->grad_fn->freed,
              "backward: the graph of this tensor was already freed by an earlier backward()");

  std::unordered_map<Node*, std::vector<Tensor>> pending;  // output gradients per node
  const std::shared_ptr<Node> root_node = root_impl->grad_fn;
  pending[root_node.get()].resize(root_node->outputs.size());
  pending[root_node.get()][root_impl->output_index] = seed;

  for (const std::shared_ptr<Node>& node_ptr : order_for_backward(root_node)) {
    Node* node = node_ptr.get();
    GRAIN_CHECK(!node->freed, "backward: node " << node->op << " was already freed by an earlier backward()");
    std::vector<Tensor> grad_outputs = std::move(pending[node]);
    pending.erase(node);
    grad_outputs.resize(node->outputs.size());
    bool any = false;
    for (size_t i = 0; i < grad_outputs.size(); ++i) {
      if (grad_outputs[i].defined()) {
        any = true;
      } else {
        const auto& meta = node->outputs[i];
        grad_outputs[i] = Tensor::zeros(meta.shape, meta.dtype, meta.device);
      }
    }
    if (!any) {  // no path from the root reached this node's outputs
      free_node(node);
      continue;
    }
    std::vector<Tensor> grads = node->backward(grad_outputs, node->needs_input_grad);
    GRAIN_CHECK(grads.size() == node->inputs.size(),
                node->op << " backward returned " << grads.size() << " gradients for "
                         << node->inputs.size() << " inputs");
    for (size_t i = 0; i < grads.size(); ++i) {
      const auto& input = node->inputs[i];
      if (!input || !node->needs_input_grad[i] || !grads[i].defined()) continue;
      GRAIN_CHECK(grads[i].shape() == input->shape,
                  node->op << " backward: gradient of input " << i << " has shape " << grads[i].shape()
                           << ", the input has " << input->shape);
      if (input->grad_fn) {
        auto& slots = pending[input->grad_fn.get()];
        slots.resize(input->grad_fn->outputs.size());
        Tensor& slot = slots[input->output_index];
        slot = slot.defined() ? add_values(slot, grads[i]) : grads[i];
      } else if (input->requires_grad) {
        accumulate_into_leaf(input.get(), grads[i]);
      }
    }
    free_node(node);
  }
}

}  // namespace grain
