// The whole model against PyTorch: tests/fixtures/models/make_pytorch_reference.py
// builds the architecture of docs/spec/model.md in PyTorch (float64), saves its weights
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
#include "engine/optim/optimizer.h"
#include "engine/ops/shape_ops.h"
#include "models/video_model.h"
#include "models/model_io.h"

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

// The miniature configuration make_pytorch_reference.py builds.
ModelConfig reference_config() {
  ModelConfig c = model_preset("tiny");
  c.frames = 3, c.crop = 56, c.width_2d = 2, c.width_3d = 3, c.lstm_hidden = 4, c.lstm_layers = 2;
  c.num_classes = 5, c.vocabulary = 9, c.embedding = 6, c.decoder_hidden = 5, c.decoder_layers = 2;
  return c;
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
  ParameterStore store;
  VideoModel model(store, reference_config());
  store.materialize();
  load_model_weights(kFixtures + "reference_model.safetensors", store);

  const formats::SafetensorsFile io = formats::read_safetensors(kFixtures + "reference_io.safetensors");
  NoGradGuard no_grad;
  const ModelOutput out = model.forward(tensor_of(io.at("clip")), tensor_of(io.at("inputs")), {false, 0});
  check_close(out.h, tensor_of(io.at("h")), "h");
  check_close(out.class_logits, tensor_of(io.at("class_logits")), "class logits");
  check_close(out.caption_logits, tensor_of(io.at("caption_logits")), "caption logits");
}

TEST_CASE("three training steps match PyTorch's: losses and trained weights", "[models][pytorch][training]") {
  // The same weights, clip and labels; training-mode batch norm; Adam lr 1e-3;
  // loss = 0.5 cross-entropy + 0.5 masked caption NLL. PyTorch ran in float64,
  // the engine runs in float32.
  ParameterStore store;
  VideoModel model(store, reference_config());
  store.materialize();
  load_model_weights(kFixtures + "reference_model.safetensors", store);
  const formats::SafetensorsFile io = formats::read_safetensors(kFixtures + "reference_io.safetensors");
  const Tensor clip = tensor_of(io.at("clip")), inputs = tensor_of(io.at("inputs"));
  const Tensor classes = tensor_of(io.at("train_classes")), targets = tensor_of(io.at("train_targets"));
  std::vector<double> mask_values;
  for (double t : targets.to_vector()) mask_values.push_back(t != 0 ? 1.0 : 0.0);
  const Tensor mask = Tensor::from_vector(mask_values, targets.shape());
  const std::vector<double> expected = tensor_of(io.at("train_losses")).to_vector();
  Adam adam(store, {1e-3});
  for (size_t step = 0; step < expected.size(); ++step) {
    store.zero_grad();
    const LossParts loss = model_loss(model.forward(clip, inputs, {true, 0}), classes, targets, mask, {0.5, 0.5});
    loss.total.backward();
    adam.step();
    INFO("step " << step << ": engine " << loss.total.item() << ", pytorch " << expected[step]);
    CHECK(std::fabs(loss.total.item() - expected[step]) <= 1e-4 * std::fabs(expected[step]));
  }
  check_close(store.find("classifier.weight")->value, tensor_of(io.at("trained_classifier_weight")),
              "trained classifier weight");
  Tensor conv1 = tensor_of(io.at("trained_conv1_weight"));  // PyTorch layout (Cout, Cin, kT, kH, kW)
  NoGradGuard no_grad;
  check_close(store.find("encoder.cnn3d.conv1.conv.weight")->value, permute(conv1, {0, 2, 3, 4, 1}),
              "trained conv1 weight");
}
