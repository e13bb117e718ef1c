// defines: grain::CaptionDecoder (see caption_decoder.h)
#include "models/caption_decoder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops/activation.h"
#include "engine/ops/binary.h"
#include "engine/ops/log_softmax.h"
#include "engine/ops/shape_ops.h"

namespace grain {

TeacherForcingBatch teacher_forcing_batch(const std::vector<int32_t>& tokens, int64_t n, int64_t l, int32_t start,
                                          int32_t pad, bool score_padding, Device device) {
  GRAIN_CHECK(l > 0 && static_cast<int64_t>(tokens.size()) == n * l,
              "teacher forcing: " << tokens.size() << " tokens for " << n << " captions of length " << l);
  std::vector<int64_t> inputs(tokens.size()), targets(tokens.begin(), tokens.end());
  std::vector<double> mask(tokens.size());
  for (int64_t row = 0; row < n; ++row)
    for (int64_t i = 0; i < l; ++i) {
      const size_t k = static_cast<size_t>(row * l + i);
      inputs[k] = i == 0 ? start : tokens[k - 1];
      mask[k] = (tokens[k] != pad || score_padding) ? 1.0 : 0.0;
    }
  return {Tensor::from_indices(inputs, {n, l}).to(device), Tensor::from_indices(targets, {n, l}).to(device),
          Tensor::from_vector(mask, {n, l}, DType::kFloat32).to(device)};
}

CaptionDecoder::CaptionDecoder(ParameterStore& store, const std::string& name, const ModelConfig& config,
                               int64_t encoding_width)
    : config_(config),
      embed_(store, name + ".embedding", config.vocabulary, config.embedding),
      init_h_(store, name + ".init_h", encoding_width, config.decoder_layers * config.decoder_hidden),
      init_c_(store, name + ".init_c", encoding_width, config.decoder_layers * config.decoder_hidden),
      lstm_(store, name + ".lstm", config.embedding + encoding_width, config.decoder_hidden, config.decoder_layers,
            false),
      output_(store, name + ".output", config.decoder_hidden, config.vocabulary) {}

CaptionDecoder::State CaptionDecoder::initial_state(const Tensor& h) const {
  const int64_t n = h.size(0), layers = config_.decoder_layers, hidden = config_.decoder_hidden;
  auto to_state = [&](const Linear& map) {  // (N, layers H) -> (layers, N, H)
    return permute(reshape(tanh(map.forward(h)), {n, layers, hidden}), {1, 0, 2});
  };
  return {to_state(init_h_), to_state(init_c_)};
}

// [embed(ids); h broadcast over L]: (N, L, E + D).
static Tensor decoder_inputs(const Embedding& embed, const Tensor& h, const Tensor& ids) {
  const int64_t n = ids.size(0), l = ids.size(1), d = h.size(1);
  const Tensor repeated = add(Tensor::zeros({n, l, d}, h.dtype(), h.device()), reshape(h, {n, 1, d}));
  return concat({embed.forward(ids), repeated}, 2);
}

Tensor CaptionDecoder::teacher_forcing(const Tensor& h, const Tensor& input_ids) const {
  GRAIN_CHECK(h.dim() == 2 && input_ids.dim() == 2 && input_ids.size(0) == h.size(0),
              "decoder: h (N, D) and input ids (N, L) expected, got " << h.shape() << " and " << input_ids.shape());
  State s = initial_state(h);
  const LstmOutput out = lstm_.forward(decoder_inputs(embed_, h, input_ids), s.h, s.c);
  return output_.forward(out.output);
}

Tensor CaptionDecoder::step(const Tensor& h, const std::vector<int32_t>& previous, State& state) const {
  const int64_t n = h.size(0);
  std::vector<int64_t> ids(previous.begin(), previous.end());
  const Tensor input = decoder_inputs(embed_, h, Tensor::from_indices(ids, {n, 1}).to(h.device()));
  const LstmOutput out = lstm_.forward(input, state.h, state.c);
  state = {out.h_n, out.c_n};
  return log_softmax(reshape(output_.forward(out.output), {n, config_.vocabulary}));
}

std::vector<std::vector<int32_t>> CaptionDecoder::greedy(const Tensor& h, int64_t length, int32_t start,
                                                         int32_t end) const {
  NoGradGuard no_grad;
  const int64_t n = h.size(0), v = config_.vocabulary;
  State state = initial_state(h);
  std::vector<int32_t> previous(n, start);
  std::vector<std::vector<int32_t>> result(n);
  std::vector<bool> done(n, false);
  for (int64_t i = 0; i < length; ++i) {
    const std::vector<double> logp = step(h, previous, state).to_vector();
    for (int64_t b = 0; b < n; ++b) {
      const auto first = logp.begin() + b * v;
      previous[b] = static_cast<int32_t>(std::max_element(first, first + v) - first);
      if (!done[b]) result[b].push_back(previous[b]);
      if (previous[b] == end) done[b] = true;
    }
  }
  return result;
}

std::vector<std::vector<int32_t>> CaptionDecoder::beam_search(const Tensor& h, int64_t length, int64_t width,
                                                              int32_t start, int32_t end) const {
  GRAIN_CHECK(width >= 1, "decoder: beam width must be >= 1, got " << width);
  NoGradGuard no_grad;
  const int64_t n = h.size(0), v = config_.vocabulary, d = h.size(1);
  std::vector<std::vector<int32_t>> result(n);
  for (int64_t b = 0; b < n; ++b) {
    // Each row's beams form a batch of `width` copies of its encoding.
    const Tensor hb = add(Tensor::zeros({width, d}, h.dtype(), h.device()), reshape(slice(h, 0, b, b + 1), {1, d}));
    State state = initial_state(hb);
    struct Beam {
      std::vector<int32_t> tokens;
      double score = 0;
      bool finished = false;
    };
    std::vector<Beam> beams(1);  // a single live beam at first
    for (int64_t i = 0; i < length; ++i) {
      std::vector<int32_t> previous(width, start);
      for (size_t k = 0; k < beams.size(); ++k)
        previous[k] = beams[k].tokens.empty() ? start : beams[k].tokens.back();
      const std::vector<double> logp = step(hb, previous, state).to_vector();
      struct Candidate {
        double score;
        int64_t beam;
        int32_t token;
      };
      std::vector<Candidate> candidates;
      for (size_t k = 0; k < beams.size(); ++k) {
        if (beams[k].finished) {  // a finished beam carries over unchanged
          candidates.push_back({beams[k].score, static_cast<int64_t>(k), -1});
          continue;
        }
        for (int64_t t = 0; t < v; ++t)
          candidates.push_back({beams[k].score + logp[k * v + t], static_cast<int64_t>(k), static_cast<int32_t>(t)});
      }
      const size_t keep = std::min<size_t>(width, candidates.size());
      std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                        [](const Candidate& a, const Candidate& c) { return a.score > c.score; });
      std::vector<Beam> next;
      std::vector<int64_t> source;
      for (size_t k = 0; k < keep; ++k) {
        Beam beam = beams[candidates[k].beam];
        beam.score = candidates[k].score;
        if (candidates[k].token >= 0) {
          beam.tokens.push_back(candidates[k].token);
          beam.finished = candidates[k].token == end;
        }
        next.push_back(beam);
        source.push_back(candidates[k].beam);
      }
      // Reorder the LSTM states to follow the surviving beams.
      std::vector<int64_t> index(width, 0);
      for (size_t k = 0; k < source.size(); ++k) index[k] = source[k];
      auto gather = [&](const Tensor& s) {
        std::vector<Tensor> rows;
        for (int64_t k = 0; k < width; ++k) rows.push_back(slice(s, 1, index[k], index[k] + 1));
        return concat(rows, 1);
      };
      state = {gather(state.h), gather(state.c)};
      beams = std::move(next);
      if (std::all_of(beams.begin(), beams.end(), [](const Beam& x) { return x.finished; })) break;
    }
    result[b] = std::max_element(beams.begin(), beams.end(), [](const Beam& a, const Beam& c) {
                  return a.score < c.score;
                })->tokens;
  }
  return result;
}

void CaptionDecoder::reset_parameters(uint64_t seed) {
  embed_.reset_parameters(seed);
  init_h_.reset_parameters(seed);
  init_c_.reset_parameters(seed);
  lstm_.reset_parameters(seed);
  output_.reset_parameters(seed);
}

}  // namespace grain
