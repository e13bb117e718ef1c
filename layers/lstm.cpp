// defines: grain::Lstm (see lstm.h)
#include "layers/lstm.h"

#include <cmath>

#include "layers/init.h"

namespace grain {

Lstm::Lstm(ParameterStore& store, const std::string& name, int64_t input, int64_t hidden, int64_t layers,
           bool bidirectional)
    : params_{layers, hidden, bidirectional} {
  for (int64_t l = 0; l < layers; ++l)
    for (int64_t d = 0; d < params_.directions(); ++d) {
      const std::string suffix = "_l" + std::to_string(l) + (d ? "_reverse" : "");
      const int64_t in = l == 0 ? input : params_.directions() * hidden;
      weights_.push_back(store.declare(name + ".weight_ih" + suffix, {4 * hidden, in}));
      weights_.push_back(store.declare(name + ".weight_hh" + suffix, {4 * hidden, hidden}));
      weights_.push_back(store.declare(name + ".bias_ih" + suffix, {4 * hidden}));
      weights_.push_back(store.declare(name + ".bias_hh" + suffix, {4 * hidden}));
    }
}

LstmOutput Lstm::forward(const Tensor& x, const Tensor& h0, const Tensor& c0) const {
  std::vector<Tensor> w;
  w.reserve(weights_.size());
  for (const auto& p : weights_) w.push_back(p->value);
  return lstm(x, h0, c0, w, params_);
}

void Lstm::reset_parameters(uint64_t seed) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(params_.hidden));
  for (const auto& p : weights_) init_uniform(*p, bound, seed);
}

}  // namespace grain
