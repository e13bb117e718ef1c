// The whole model against PyTorch: tests/fixtures/models/make_pytorch_reference.py
// builds the architecture of model.md in PyTorch (float64), saves its weights
// under this engine's checkpoint names and PyTorch's layouts, an input clip
// and the outputs of an evaluation-mode forward. Loading those weights through
// the trainer's checkpoint reader and running the engine must reproduce h, the
// class logits and the teacher-forced caption logits: this checks layouts
// (channels-last vs NCDHW, conv weight permutation), the LSTM gate order, the
// 2D/3D feature order, batch norm's running statistics and the decoder's wiring.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "data/formats/safetensors.h"
#include "engine/autograd.h"
#include "models/video_model.h"
#include "tools/trainer/checkpointing.h"

using namespace grain;

namespace {

const std::string kFixtures = std::string(GRAIN_SOURCE_DIR) + "/tests/fixtures/models/";

Tensor tensor_of(const formats::SafetensorsEntry& e) {
  const Shape shape(e.shape.begin(), e.shape.end());
  const DType dtype = e.dtype == "I64" ? DType::kInt64 : DType::kFloat32;
  Tensor t = Tensor::empty(shape, dtype);
  REQUIRE(e.bytes.size() == t.nbytes());
  std::memcpy(t.raw_data(), e.bytes.data(), t.nbytes());
  return t;
}

void check_close(const Tensor& got, const Tensor& expected, const char* what) {
  REQUIRE(got.shape() == expected.shape());
  const std::vector<double> a = got.to_vector(), b = expected.to_vector();
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]) / (1e-4 + std::fabs(b[i])));
  INFO(what << ": worst |engine - pytorch| / (1e-4 + |pytorch|) = " << worst);
  CHECK(worst < 1e-3);
}

}  // namespace

TEST_CASE("the model reproduces a PyTorch implementation of model.md from its checkpoint", "[models][pytorch]") {
  ModelConfig c = model_preset("tiny");
  c.frames = 3, c.crop = 56, c.width_2d = 2, c.width_3d = 3, c.lstm_hidden = 4, c.lstm_layers = 2;
  c.num_classes = 5, c.vocabulary = 9, c.embedding = 6, c.decoder_hidden = 5, c.decoder_layers = 2;
  ParameterStore store;
  VideoModel model(store, c);
  store.materialize();
  load_model_weights(kFixtures + "reference_model.safetensors", store);

  const formats::SafetensorsFile io = formats::read_safetensors(kFixtures + "reference_io.safetensors");
  NoGradGuard no_grad;
  const ModelOutput out = model.forward(tensor_of(io.at("clip")), tensor_of(io.at("inputs")), {false, 0});
  check_close(out.h, tensor_of(io.at("h")), "h");
  check_close(out.class_logits, tensor_of(io.at("class_logits")), "class logits");
  check_close(out.caption_logits, tensor_of(io.at("caption_logits")), "caption logits");
}
