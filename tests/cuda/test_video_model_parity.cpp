// The project's own model (models/video_model.h) in a miniature configuration
// — both encoder channels, a 2-layer bidirectional LSTM, classifier and a
// 2-layer caption decoder — on both backends with the same weights and
// input: the loss, every gradient of the flat gradient buffer and the updated
// batch-norm running statistics agree (TF32 off).
#include <catch2/catch.hpp>

#include <vector>

#include "engine/cuda/context.h"
#include "engine/parameters.h"
#include "kernels/counter_rng.h"
#include "models/video_model.h"
#include "tests/cuda/test_support.h"

using namespace grain;
using namespace grain::cuda_test;

TEST_CASE("miniature VideoModel (encoder + decoder): CUDA matches the CPU", "[model][cuda][lstm]") {
  cuda::Tf32Scope no_tf32(false);
  ModelConfig config = model_preset("tiny");
  config.frames = 4;
  config.crop = 56;  // the smallest crop the unpadded layers allow
  config.width_2d = 4, config.width_3d = 4;
  config.lstm_hidden = 8, config.lstm_layers = 2;
  config.decoder_hidden = 16, config.decoder_layers = 2;
  config.embedding = 8, config.caption_length = 5;
  config.num_classes = 3, config.vocabulary = 37;
  const int64_t n = 2, l = config.caption_length;

  ParameterStore cpu_store, gpu_store;
  VideoModel cpu_model(cpu_store, config), gpu_model(gpu_store, config);
  cpu_store.materialize(Device::cpu());
  gpu_store.materialize(Device::cuda());
  cpu_model.reset_parameters(11);
  gpu_store.values().copy_from(cpu_store.values().to(Device::cuda()));

  const Tensor clip = Tensor::uniform({n, config.frames, config.crop, config.crop, 3}, 0, 1, 5);
  std::vector<int64_t> inputs(n * l), targets(n * l), classes{0, 2};
  std::vector<double> mask(n * l);
  for (int64_t i = 0; i < n * l; ++i) {
    inputs[i] = static_cast<int64_t>(kernels::counter_uniform(6, i) * config.vocabulary);
    targets[i] = static_cast<int64_t>(kernels::counter_uniform(7, i) * config.vocabulary);
    mask[i] = i % l < l - i / l ? 1.0 : 0.0;
  }
  const Tensor caption_inputs = Tensor::from_indices(inputs, {n, l});
  const Tensor caption_targets = Tensor::from_indices(targets, {n, l});
  const Tensor caption_mask = Tensor::from_vector(mask, {n, l});
  const Tensor labels = Tensor::from_indices(classes, {n});
  const LossWeights weights{0.1, 0.9};
  const ForwardContext ctx{true, 123};

  const ModelOutput cpu_out = cpu_model.forward(clip, caption_inputs, ctx);
  const LossParts cpu_loss = model_loss(cpu_out, labels, caption_targets, caption_mask, weights);
  cpu_loss.total.backward();

  const Device gpu = Device::cuda();
  const ModelOutput gpu_out = gpu_model.forward(clip.to(gpu), caption_inputs.to(gpu), ctx);
  const LossParts gpu_loss =
      model_loss(gpu_out, labels.to(gpu), caption_targets.to(gpu), caption_mask.to(gpu), weights);
  gpu_loss.total.backward();

  const Comparison loss = compare(cpu_loss.total, gpu_loss.total, 1e-5, 1e-4, "loss");
  INFO(loss.message);
  CHECK(loss.ok);
  // Per parameter, so a failure names the tensor.
  const std::vector<double> all_cpu = cpu_store.gradients().to_vector();
  const std::vector<double> all_gpu = gpu_store.gradients().to(Device::cpu()).to_vector();
  const std::vector<double> va = cpu_store.values().to_vector(), vb = gpu_store.values().to(Device::cpu()).to_vector();
  for (const auto& p : cpu_store.parameters()) {
    const int64_t count = numel(p->shape);
    const std::vector<double> a(all_cpu.begin() + p->offset, all_cpu.begin() + p->offset + count);
    const std::vector<double> b(all_gpu.begin() + p->offset, all_gpu.begin() + p->offset + count);
    const Comparison c = compare(a, b, 1e-4, 1e-3, "gradient of " + p->name);
    INFO(c.message);
    CHECK(c.ok);
    const Comparison v = compare(std::vector<double>(va.begin() + p->offset, va.begin() + p->offset + count),
                                 std::vector<double>(vb.begin() + p->offset, vb.begin() + p->offset + count), 1e-5,
                                 1e-4, "value of " + p->name + " (running statistics change in training)");
    INFO(v.message);
    CHECK(v.ok);
  }
}
