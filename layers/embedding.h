// defines: grain::Embedding — a table of word vectors, PyTorch's nn.Embedding
#pragma once

#include <memory>
#include <string>

#include "engine/parameters.h"

namespace grain {

class Embedding {
 public:
  // Declares <name>.weight [vocab, width].
  Embedding(ParameterStore& store, const std::string& name, int64_t vocab, int64_t width);
  // ids int64 (any shape S) -> (S..., width).
  Tensor forward(const Tensor& ids) const;
  // PyTorch's default: N(0, 1).
  void reset_parameters(uint64_t seed);
  int64_t width() const { return width_; }

 private:
  int64_t vocab_, width_;
  std::shared_ptr<Parameter> weight_;
};

}  // namespace grain
