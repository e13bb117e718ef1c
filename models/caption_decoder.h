// defines: grain::CaptionDecoder — the LSTM caption decoder (paper eq. 2, docs/spec/model.md)
//
// At step i the input is [embed(w_{i-1}); h] (w_{-1} = the start token), the
// initial hidden and cell states of every layer are tanh(linear(h)) — a
// learned map of the video encoding (the choice docs/spec/model.md leaves open; an
// encoder-conditioned initial state lets the first word depend on the video
// even though h is also fed at every step), and a linear layer maps the top
// layer's output to V logits. Training uses teacher forcing over all L steps
// in one LSTM call; decoding is greedy (the paper) or beam search.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/lstm.h"
#include "models/model_config.h"

namespace grain {

// The decoder's teacher-forcing tensors for a batch of token rows.
struct TeacherForcingBatch {
  Tensor inputs;   // int64 (N, L): [start, w_0, ..., w_{L-2}], the caption shifted right
  Tensor targets;  // int64 (N, L): [w_0, ..., w_{L-1}]
  Tensor mask;     // float32 (N, L): 1 where the target is scored (not padding, unless score_padding)
};

// tokens: N rows of L ids (words, end, then pad), row-major.
TeacherForcingBatch teacher_forcing_batch(const std::vector<int32_t>& tokens, int64_t n, int64_t l, int32_t start,
                                          int32_t pad, bool score_padding, Device device);

class CaptionDecoder {
 public:
  CaptionDecoder(ParameterStore& store, const std::string& name, const ModelConfig& config, int64_t encoding_width);
  // h (N, D), input_ids int64 (N, L) = [start, w_0, ..., w_{L-2}] -> logits (N, L, V).
  Tensor teacher_forcing(const Tensor& h, const Tensor& input_ids) const;
  // Greedy decoding of `length` tokens (stops a row after `end`); (N) id sequences.
  std::vector<std::vector<int32_t>> greedy(const Tensor& h, int64_t length, int32_t start, int32_t end) const;
  // Beam search of the given width; returns the highest total log-probability sequence per row.
  std::vector<std::vector<int32_t>> beam_search(const Tensor& h, int64_t length, int64_t width, int32_t start,
                                                int32_t end) const;
  void reset_parameters(uint64_t seed);

 private:
  struct State {
    Tensor h, c;  // (layers, N, hidden)
  };
  State initial_state(const Tensor& h) const;
  // One step for a batch of previous tokens: returns log-probabilities (N, V) and the new state.
  Tensor step(const Tensor& h, const std::vector<int32_t>& previous, State& state) const;

  ModelConfig config_;
  Embedding embed_;
  Linear init_h_, init_c_;
  Lstm lstm_;
  Linear output_;
};

}  // namespace grain
