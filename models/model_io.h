// defines: model_to_safetensors, restore_model, load_model_weights, read_model_file
//
// How a model's parameters map to a PyTorch state dict: every parameter and
// buffer under its own name (encoder.cnn3d.conv1.conv.weight, ...), in
// PyTorch's layout (convolution weights (Cout, Cin, kT, kH, kW); the engine
// keeps them channels-last, Parameter::to_pytorch_layout says how to permute),
// so `safetensors.torch.load_file` + `load_state_dict(strict=True)` reads a
// checkpoint's model.safetensors and python/grain_torch.py defines the
// modules. The trainer's checkpoints, evaluation-only runs and transfer from
// a source run all load weights through here.
#pragma once

#include <filesystem>
#include <string>

#include "data/formats/safetensors.h"
#include "engine/parameters.h"

namespace grain {

// Every parameter and buffer of the store in PyTorch names and layouts.
formats::SafetensorsFile model_to_safetensors(const ParameterStore& store);

// Copies the entries into the store's parameters whose names start with
// `prefix` ("" = all), checking dtype and shape; throws naming `source` and
// the tensor when one is missing or does not fit. With prefix "", the file
// must hold exactly the store's tensors (a checkpoint of another model is
// refused); with a prefix, other tensors of the file are ignored (the
// encoder of a source run, whose heads belong to another task).
void restore_model(const formats::SafetensorsFile& file, ParameterStore& store, const std::string& source,
                   const std::string& prefix = "");

// Reads a model.safetensors file into the store (see restore_model).
void load_model_weights(const std::filesystem::path& model_safetensors, ParameterStore& store,
                        const std::string& prefix = "");

}  // namespace grain
