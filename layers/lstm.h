// defines: grain::Lstm — multi-layer (bidirectional) LSTM, PyTorch's nn.LSTM
//
// Parameters <name>.weight_ih_l<k>[_reverse], weight_hh, bias_ih, bias_hh with
// PyTorch's shapes and gate order (i, f, g, o), batch-first input.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/ops/lstm.h"
#include "engine/parameters.h"

namespace grain {

class Lstm {
 public:
  Lstm(ParameterStore& store, const std::string& name, int64_t input, int64_t hidden, int64_t layers,
       bool bidirectional);
  // x [N, T, input]; h0, c0 [layers D, N, hidden] or undefined (zeros).
  LstmOutput forward(const Tensor& x, const Tensor& h0 = Tensor(), const Tensor& c0 = Tensor()) const;
  // PyTorch's default: every weight and bias ~ U(-1/sqrt(hidden), 1/sqrt(hidden)).
  void reset_parameters(uint64_t seed);
  const LstmParams& params() const { return params_; }
  int64_t output_width() const { return params_.directions() * params_.hidden; }

 private:
  LstmParams params_;
  std::vector<std::shared_ptr<Parameter>> weights_;
};

}  // namespace grain
