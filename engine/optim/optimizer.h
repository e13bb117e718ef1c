// defines: grain::Optimizer, Adam, Sgd, clip_grad_norm
//
// Optimisers update a ParameterStore's flat buffer in place from its flat
// gradient buffer, skipping frozen parameters. Their state (moments, step
// count) is flat tensors too, so a checkpoint saves it as it is. Formulas are
// PyTorch's, so results can be compared with torch.optim step by step.
// The CUDA halves (optimizer.cu, below) are reached like the ops' through
// GRAIN_CUDA_DISPATCH (engine/backend.h) when the store lives on a CUDA device.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/parameters.h"

namespace grain {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  virtual std::string name() const = 0;
  void set_learning_rate(double lr) { lr_ = lr; }
  // Named state tensors (for checkpoints) and the step count.
  virtual std::vector<std::pair<std::string, Tensor>> state() = 0;
  int64_t steps() const { return steps_; }
  void set_steps(int64_t steps) { steps_ = steps; }

 protected:
  explicit Optimizer(ParameterStore& store, double lr) : store_(store), lr_(lr) {}
  ParameterStore& store_;
  double lr_;
  int64_t steps_ = 0;
};

struct AdamOptions {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
};

// torch.optim.Adam: g = grad + wd p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
class Adam : public Optimizer {
 public:
  Adam(ParameterStore& store, const AdamOptions& options);
  void step() override;
  std::string name() const override { return "adam"; }
  std::vector<std::pair<std::string, Tensor>> state() override { return {{"exp_avg", m_}, {"exp_avg_sq", v_}}; }

 private:
  AdamOptions options_;
  Tensor m_, v_;
};

struct SgdOptions {
  double lr = 1e-2, momentum = 0.0, weight_decay = 0.0;
};

// torch.optim.SGD (dampening 0, no Nesterov): g = grad + wd p;
// buf = g at the first step, then momentum buf + g; p -= lr buf (buf = g without momentum).
class Sgd : public Optimizer {
 public:
  Sgd(ParameterStore& store, const SgdOptions& options);
  void step() override;
  std::string name() const override { return "sgd"; }
  std::vector<std::pair<std::string, Tensor>> state() override { return {{"momentum_buffer", buf_}}; }

 private:
  SgdOptions options_;
  Tensor buf_;
};

// Scales all trainable gradients by max_norm / (norm + 1e-6) when their global L2 norm
// exceeds max_norm (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
double clip_grad_norm(ParameterStore& store, double max_norm);
// The global L2 norm of the trainable gradients (non-finite if any gradient is).
double grad_norm(const ParameterStore& store);

// ---- CUDA backend: defined in optimizer.cu, compiled only with the CUDA backend;
// optimizer.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).
// Flat float32 device tensors; one kernel per (offset, count) range, with the
// CPU loops' arithmetic in the same order.

using ParameterRanges = std::vector<std::pair<int64_t, int64_t>>;  // ParameterStore::trainable_ranges()
void adam_step_cuda(const Tensor& params, const Tensor& grads, const Tensor& m, const Tensor& v,
                    const ParameterRanges& ranges, double lr, double beta1, double beta2, double eps,
                    double weight_decay, int64_t step);
void sgd_step_cuda(const Tensor& params, const Tensor& grads, const Tensor& buf, const ParameterRanges& ranges,
                   double lr, double momentum, double weight_decay, bool first);
// sqrt(sum of g^2) over the ranges (deterministic; synchronises to return it).
double grad_norm_cuda(const Tensor& grads, const ParameterRanges& ranges);
// g *= factor over the ranges.
void scale_ranges_cuda(const Tensor& grads, const ParameterRanges& ranges, double factor);

}  // namespace grain
