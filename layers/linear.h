// defines: grain::Linear — y = x W^T + b, PyTorch's nn.Linear
#pragma once

#include <memory>
#include <string>

#include "engine/parameters.h"
#include "layers/context.h"

namespace grain {

class Linear {
 public:
  // Declares <name>.weight [out, in] and <name>.bias [out].
  Linear(ParameterStore& store, const std::string& name, int64_t in, int64_t out, bool bias = true);
  // x [..., in] -> [..., out].
  Tensor forward(const Tensor& x) const;
  // PyTorch's default: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)).
  void reset_parameters(uint64_t seed);
  int64_t in() const { return in_; }
  int64_t out() const { return out_; }

 private:
  int64_t in_, out_;
  std::shared_ptr<Parameter> weight_, bias_;
};

}  // namespace grain
