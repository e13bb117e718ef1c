// defines: trainer checkpoints (see checkpointing.h)
#include "tools/trainer/checkpointing.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <sstream>

#include "data/formats/checkpoint_folder.h"
#include "data/formats/safetensors.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops/shape_ops.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCodeVersion = "grain 0.1";

std::string bytes_of(const Tensor& t) {
  const Tensor host = t.to(Device::cpu());
  return std::string(static_cast<const char*>(host.raw_data()), host.nbytes());
}

std::vector<uint64_t> unsigned_shape(const Shape& s) { return {s.begin(), s.end()}; }

// The parameter's value in PyTorch's layout.
Tensor to_pytorch(const Parameter& p) {
  NoGradGuard no_grad;
  const Tensor host = p.value.to(Device::cpu()).detach();
  return p.to_pytorch_layout.empty() ? host : permute(host, p.to_pytorch_layout);
}

Shape pytorch_shape(const Parameter& p) {
  if (p.to_pytorch_layout.empty()) return p.shape;
  Shape s;
  for (int64_t d : p.to_pytorch_layout) s.push_back(p.shape[d]);
  return s;
}

const char* dtype_code(DType t) {
  GRAIN_CHECK(t == DType::kFloat32 || t == DType::kFloat64, "checkpoint: parameters must be float32 or float64");
  return t == DType::kFloat32 ? "F32" : "F64";
}

// Copies a PyTorch-layout entry into the parameter (checking dtype and shape).
void assign(Parameter& p, const formats::SafetensorsEntry& e, DType dtype, const std::string& file) {
  GRAIN_CHECK(e.dtype == dtype_code(dtype), file << ": tensor " << e.name << " has dtype " << e.dtype
                                                 << ", the model expects " << dtype_code(dtype));
  const Shape expected = pytorch_shape(p);
  const Shape got(e.shape.begin(), e.shape.end());
  GRAIN_CHECK(got == expected, file << ": tensor " << e.name << " has shape " << got << ", the model expects "
                                    << expected);
  Tensor host = Tensor::empty(expected, dtype);
  std::memcpy(host.raw_data(), e.bytes.data(), host.nbytes());
  if (!p.to_pytorch_layout.empty()) {
    std::vector<int64_t> inverse(p.to_pytorch_layout.size());
    for (size_t k = 0; k < inverse.size(); ++k) inverse[p.to_pytorch_layout[k]] = static_cast<int64_t>(k);
    NoGradGuard no_grad;
    host = permute(host, inverse);
  }
  p.value.copy_from(host.to(p.value.device()));
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  GRAIN_CHECK(in, "checkpoint: cannot read " << path.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void restore_model(const formats::SafetensorsFile& file, ParameterStore& store, const std::string& source) {
  for (const auto& p : store.parameters()) {
    const formats::SafetensorsEntry* e = file.find(p->name);
    GRAIN_CHECK(e, source << ": tensor " << p->name << " is missing (the checkpoint is of another model)");
    assign(*p, *e, store.dtype(), source);
  }
  GRAIN_CHECK(file.tensors.size() == store.parameters().size(),
              source << ": holds " << file.tensors.size() << " tensors, the model has " << store.parameters().size());
}

}  // namespace

fs::path save_trainer_checkpoint(const fs::path& run_dir, const ParameterStore& store, Optimizer& optimizer,
                                 const TrainerState& state, const std::string& config_yaml,
                                 const fs::path& vocabulary_file) {
  formats::SafetensorsFile model;
  for (const auto& p : store.parameters())
    model.tensors.push_back({p->name, dtype_code(store.dtype()), unsigned_shape(pytorch_shape(*p)), bytes_of(to_pytorch(*p))});
  model.metadata["producer"] = kCodeVersion;

  formats::SafetensorsFile opt;
  for (const auto& [name, flat] : optimizer.state()) {
    for (const auto& p : store.parameters()) {
      if (p->buffer) continue;
      NoGradGuard no_grad;
      const Tensor part = slice(flat.to(Device::cpu()), 0, p->offset, p->offset + numel(p->shape));
      opt.tensors.push_back({name + "." + p->name, dtype_code(store.dtype()), unsigned_shape(p->shape), bytes_of(part)});
    }
  }
  opt.metadata["optimizer"] = optimizer.name();

  nlohmann::json s{{"step", state.step},
                   {"epoch", state.epoch},
                   {"batch_in_epoch", state.batch_in_epoch},
                   {"skipped_steps", state.skipped_steps},
                   {"nonfinite_in_row", state.nonfinite_in_row},
                   {"lr", state.lr},
                   {"plateau_best", state.plateau_best},
                   {"plateau_bad", state.plateau_bad},
                   {"plateau_cooldown", state.plateau_cooldown},
                   {"best_value", state.best_value},
                   {"best_step", state.best_step},
                   {"validations", state.validations},
                   {"optimizer", optimizer.name()},
                   {"optimizer_steps", optimizer.steps()},
                   {"code_version", kCodeVersion},
                   {"parameters", store.size()},
                   {"config", config_yaml}};
  formats::CheckpointFiles files{{"model.safetensors", formats::encode_safetensors(model)},
                                 {"optimizer.safetensors", formats::encode_safetensors(opt)},
                                 {"state.json", s.dump(2) + "\n"}};
  if (!vocabulary_file.empty() && fs::exists(vocabulary_file)) files["vocabulary.json"] = read_text(vocabulary_file);
  return formats::write_checkpoint(run_dir, state.step, files);
}

LoadedCheckpoint load_checkpoint_folder(const fs::path& folder, ParameterStore& store, Optimizer& optimizer,
                                        const data::Vocabulary* vocabulary) {
  const formats::CheckpointFiles files = formats::read_checkpoint(folder);
  if (vocabulary && files.count("vocabulary.json")) {
    const std::string source = (folder / "vocabulary.json").string();
    GRAIN_CHECK(data::Vocabulary::parse(files.at("vocabulary.json"), source) == *vocabulary,
                source << " differs from the run's vocabulary; a model cannot be used with another vocabulary");
  }
  auto file = [&](const std::string& name) -> const std::string& {
    auto it = files.find(name);
    GRAIN_CHECK(it != files.end(), "checkpoint " << folder.string() << " has no " << name);
    return it->second;
  };
  restore_model(formats::decode_safetensors(file("model.safetensors"), (folder / "model.safetensors").string()), store,
                (folder / "model.safetensors").string());
  const std::string opt_source = (folder / "optimizer.safetensors").string();
  const formats::SafetensorsFile opt = formats::decode_safetensors(file("optimizer.safetensors"), opt_source);
  for (auto& [name, flat] : optimizer.state()) {
    Tensor host = flat.to(Device::cpu()).clone();
    for (const auto& p : store.parameters()) {
      if (p->buffer) continue;
      const formats::SafetensorsEntry& e = opt.at(name + "." + p->name);
      GRAIN_CHECK(e.bytes.size() == static_cast<size_t>(numel(p->shape)) * dtype_size(store.dtype()),
                  opt_source << ": tensor " << e.name << " has " << e.bytes.size() << " bytes, expected "
                             << numel(p->shape) * dtype_size(store.dtype()));
      std::memcpy(static_cast<char*>(host.raw_data()) + p->offset * dtype_size(store.dtype()), e.bytes.data(),
                  e.bytes.size());
    }
    flat.copy_from(host.to(flat.device()));
  }
  LoadedCheckpoint loaded;
  loaded.path = folder;
  TrainerState& t = loaded.state;
  const std::string state_file = (folder / "state.json").string();
  try {  // a well-formed file with a missing or mistyped field is an error naming the file
    const nlohmann::json s = nlohmann::json::parse(file("state.json"));
    GRAIN_CHECK(s.value("optimizer", "") == optimizer.name(),
                state_file << ": optimizer " << s.value("optimizer", "?") << ", the run uses " << optimizer.name());
    t.step = s.at("step");
    t.epoch = s.at("epoch");
    t.batch_in_epoch = s.at("batch_in_epoch");
    t.skipped_steps = s.at("skipped_steps");
    t.nonfinite_in_row = s.at("nonfinite_in_row");
    t.lr = s.at("lr");
    t.plateau_best = s.at("plateau_best");
    t.plateau_bad = s.at("plateau_bad");
    t.plateau_cooldown = s.at("plateau_cooldown");
    t.best_value = s.at("best_value");
    t.best_step = s.at("best_step");
    t.validations = s.at("validations");
    optimizer.set_steps(s.at("optimizer_steps"));
  } catch (const nlohmann::json::exception& e) {
    GRAIN_THROW(state_file << ": " << e.what());
  }
  optimizer.set_learning_rate(t.lr);
  return loaded;
}

std::optional<LoadedCheckpoint> load_trainer_checkpoint(const fs::path& run_dir, ParameterStore& store,
                                                        Optimizer& optimizer, const data::Vocabulary* vocabulary) {
  const formats::LatestCheckpoint latest = formats::find_latest_valid(run_dir);
  if (!latest.checkpoint) {
    GRAIN_CHECK(latest.messages.empty(), "resume: no valid checkpoint in " << run_dir.string() << ": "
                                                                           << latest.messages.front());
    return std::nullopt;
  }
  LoadedCheckpoint loaded = load_checkpoint_folder(latest.checkpoint->path, store, optimizer, vocabulary);
  loaded.messages = latest.messages;
  return loaded;
}

void load_model_weights(const fs::path& model_safetensors, ParameterStore& store) {
  restore_model(formats::read_safetensors(model_safetensors), store, model_safetensors.string());
}

}  // namespace grain
