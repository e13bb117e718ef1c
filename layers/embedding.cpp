// defines: grain::Embedding (see embedding.h)
#include "layers/embedding.h"

#include "engine/ops/embedding.h"
#include "layers/init.h"

namespace grain {

Embedding::Embedding(ParameterStore& store, const std::string& name, int64_t vocab, int64_t width)
    : vocab_(vocab), width_(width) {
  weight_ = store.declare(name + ".weight", {vocab, width});
}

Tensor Embedding::forward(const Tensor& ids) const { return embedding(ids, weight_->value); }

void Embedding::reset_parameters(uint64_t seed) { init_normal(*weight_, 0.0, 1.0, seed); }

}  // namespace grain
