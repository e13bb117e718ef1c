// engine_forward CHECKPOINT_DIR INPUTS.safetensors OUTPUTS.safetensors
//
// The engine's side of tests/python/test_grain_torch.py: builds the model a
// trainer checkpoint describes the way the trainer does (the config copied in
// state.json through read_trainer_config; classes and vocabulary from the
// checkpoint's classifier and decoder output shapes, which the trainer takes
// from the data), loads model.safetensors with the trainer's loader, and
// writes for the inputs:
//   clip F32 (N, T, H, W, 3)        -> h, class_logits, greedy (I64 (N, caption_length), -1 after a row ends)
//   caption_inputs I64 (N, L)       -> caption_logits (teacher forcing)
//   video_<name> U8 (F, R, R, 3)    -> clip_<name>: the evaluation loader's preprocessing
//                                      (data/loader/preprocess.h) at the config's T, resize, crop, pixel_scale
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "data/formats/safetensors.h"
#include "data/loader/preprocess.h"
#include "data/ssv2/vocabulary.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "models/video_model.h"
#include "models/model_io.h"
#include "train/trainer_config.h"

using namespace grain;
namespace fs = std::filesystem;

namespace {

Tensor tensor_of(const formats::SafetensorsEntry& e) {
  GRAIN_CHECK(e.dtype == "F32" || e.dtype == "I64", "engine_forward: input " << e.name << " must be F32 or I64");
  Tensor t = Tensor::empty(Shape(e.shape.begin(), e.shape.end()), e.dtype == "I64" ? DType::kInt64 : DType::kFloat32);
  GRAIN_CHECK(e.bytes.size() == t.nbytes(), "engine_forward: input " << e.name << " has the wrong byte count");
  std::memcpy(t.raw_data(), e.bytes.data(), t.nbytes());
  return t;
}

formats::SafetensorsEntry float_entry(const std::string& name, const Tensor& t) {
  const std::vector<double> v = t.to_vector();
  const std::vector<float> f(v.begin(), v.end());
  return formats::make_safetensors_entry<float>(name, {t.shape().begin(), t.shape().end()}, std::span<const float>(f));
}

int64_t rows_of(const formats::SafetensorsFile& f, const std::string& name) {
  const formats::SafetensorsEntry* e = f.find(name);
  return e ? static_cast<int64_t>(e->shape.at(0)) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: engine_forward CHECKPOINT_DIR INPUTS.safetensors OUTPUTS.safetensors\n");
    return 2;
  }
  try {
    const fs::path folder = argv[1];
    std::ifstream state_in(folder / "state.json");
    GRAIN_CHECK(state_in, "engine_forward: cannot read " << (folder / "state.json").string());
    const std::string config_yaml = nlohmann::json::parse(state_in).at("config");
    const std::string source = (folder / "state.json").string() + " (config)";
    const TrainerConfig config = read_trainer_config(trainer_schema().parse(config_yaml, source, {}), source);

    const formats::SafetensorsFile weights = formats::read_safetensors(folder / "model.safetensors");
    ModelConfig model_config = config.model;
    model_config.num_classes = rows_of(weights, "classifier.weight");
    model_config.vocabulary = rows_of(weights, "decoder.output.weight");
    ParameterStore store;
    VideoModel model(store, model_config);
    store.materialize();
    load_model_weights(folder / "model.safetensors", store);

    const formats::SafetensorsFile inputs = formats::read_safetensors(argv[2]);
    formats::SafetensorsFile outputs;
    NoGradGuard no_grad;
    const formats::SafetensorsEntry* caption_inputs = inputs.find("caption_inputs");
    const ModelOutput out = model.forward(tensor_of(inputs.at("clip")),
                                          caption_inputs ? tensor_of(*caption_inputs) : Tensor(), {false, 0});
    outputs.tensors.push_back(float_entry("h", out.h));
    if (out.class_logits.defined()) outputs.tensors.push_back(float_entry("class_logits", out.class_logits));
    if (out.caption_logits.defined()) outputs.tensors.push_back(float_entry("caption_logits", out.caption_logits));
    if (model.has_decoder()) {
      const int64_t length = model_config.caption_length, n = out.h.size(0);
      const auto captions = model.decoder().greedy(out.h, length, data::Vocabulary::kStart, data::Vocabulary::kEnd);
      std::vector<int64_t> ids(static_cast<size_t>(n * length), -1);
      for (int64_t b = 0; b < n; ++b)
        for (size_t i = 0; i < captions[b].size(); ++i) ids[b * length + i] = captions[b][i];
      outputs.tensors.push_back(formats::make_safetensors_entry<int64_t>(
          "greedy", {static_cast<uint64_t>(n), static_cast<uint64_t>(length)}, std::span<const int64_t>(ids)));
    }

    data::ClipSpec spec;
    spec.frames = static_cast<int>(model_config.frames);
    spec.height = spec.width = static_cast<int>(model_config.resize);
    spec.crop_height = spec.crop_width = static_cast<int>(model_config.crop);
    spec.pixel_scale = static_cast<float>(config.pixel_scale);
    spec.validate();
    for (const formats::SafetensorsEntry& e : inputs.tensors) {
      if (e.name.rfind("video_", 0) != 0) continue;
      GRAIN_CHECK(e.dtype == "U8" && e.shape.size() == 4 && e.shape[3] == 3,
                  "engine_forward: " << e.name << " must be U8 (F, H, W, 3)");
      data::DecodedVideo video;
      video.frames = static_cast<int>(e.shape[0]);
      video.height = static_cast<int>(e.shape[1]);
      video.width = static_cast<int>(e.shape[2]);
      video.rgb.assign(e.bytes.begin(), e.bytes.end());
      std::vector<float> clip(spec.clip_elements());
      data::extract_clip(video, spec, data::place_clip(video.frames, spec, false, 0), clip.data());
      outputs.tensors.push_back(formats::make_safetensors_entry<float>(
          "clip_" + e.name.substr(6),
          {static_cast<uint64_t>(spec.frames), static_cast<uint64_t>(spec.crop_height),
           static_cast<uint64_t>(spec.crop_width), 3},
          std::span<const float>(clip)));
    }
    formats::write_safetensors(argv[3], outputs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "engine_forward: %s\n", e.what());
    return 1;
  }
  return 0;
}
