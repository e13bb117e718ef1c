// defines: trainer checkpoints (see checkpointing.h)
#include "train/checkpointing.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <type_traits>

#include "data/common/file_io.h"
#include "data/common/json_read.h"
#include "data/formats/checkpoint_folder.h"
#include "data/formats/safetensors.h"
#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops/shape_ops.h"
#include "models/model_io.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCodeVersion = "grain 0.1";

// JSON has no infinities: they are written as the strings "inf", "-inf", "nan".
nlohmann::json number_json(double v) {
  if (std::isfinite(v)) return v;
  return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
}

double number_from_json(const nlohmann::json& j) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s == "inf") return INFINITY;
    if (s == "-inf") return -INFINITY;
    if (s == "nan") return NAN;
  }
  return j.get<double>();
}

nlohmann::json numbers_json(const std::map<std::string, double>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m) j[k] = number_json(v);
  return j;
}

std::map<std::string, double> numbers_from_json(const nlohmann::json& j) {
  std::map<std::string, double> m;
  for (const auto& [k, v] : j.items()) m[k] = number_from_json(v);
  return m;
}

nlohmann::json state_json(const TrainerState& state) {
  nlohmann::json j;
  visit_fields(state, [&](const char* name, const auto& field) {
    using Field = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<Field, double>) j[name] = number_json(field);
    else if constexpr (std::is_same_v<Field, std::map<std::string, double>>) j[name] = numbers_json(field);
    else j[name] = field;
  });
  return j;
}

void state_from_json(const nlohmann::json& j, TrainerState& state) {
  visit_fields(state, [&](const char* name, auto& field) {
    using Field = std::decay_t<decltype(field)>;
    const nlohmann::json& v = j.at(name);
    if constexpr (std::is_same_v<Field, double>) field = number_from_json(v);
    else if constexpr (std::is_same_v<Field, std::map<std::string, double>>) field = numbers_from_json(v);
    else field = v.get<Field>();
  });
}

std::string bytes_of(const Tensor& t) {
  const Tensor host = t.to(Device::cpu());
  return std::string(static_cast<const char*>(host.raw_data()), host.nbytes());
}

const char* dtype_code(DType t) { return t == DType::kFloat64 ? "F64" : "F32"; }

}  // namespace

const Parameter* first_non_finite(const ParameterStore& store) {
  for (const auto& p : store.parameters()) {
    const std::vector<double> values = p->value.to(Device::cpu()).to_vector();
    for (double v : values)
      if (!std::isfinite(v)) return p.get();
  }
  return nullptr;
}

fs::path save_trainer_checkpoint(const fs::path& run_dir, const ParameterStore& store, Optimizer& optimizer,
                                 const LrSchedule& schedule, const TrainerState& state, const std::string& config_yaml,
                                 const fs::path& vocabulary_file) {
  const Parameter* poisoned = first_non_finite(store);
  GRAIN_CHECK(!poisoned, "checkpoint at step " << state.step << " refused: " << poisoned->name
                                               << " holds a non-finite value (the last good checkpoint stands)");
  formats::SafetensorsFile opt;
  for (const auto& [name, flat] : optimizer.state()) {
    const Tensor host = flat.to(Device::cpu());
    for (const auto& p : store.parameters()) {
      if (p->buffer) continue;
      NoGradGuard no_grad;
      const Tensor part = slice(host, 0, p->offset, p->offset + numel(p->shape));
      opt.tensors.push_back({name + "." + p->name, dtype_code(store.dtype()),
                             std::vector<uint64_t>(p->shape.begin(), p->shape.end()), bytes_of(part)});
    }
  }
  opt.metadata["optimizer"] = optimizer.name();

  nlohmann::json s = state_json(state);
  s["schedule"] = numbers_json(schedule.state());
  s["optimizer"] = optimizer.name();
  s["optimizer_steps"] = optimizer.steps();
  s["code_version"] = kCodeVersion;
  s["parameters"] = store.size();
  s["config"] = config_yaml;
  formats::CheckpointFiles files{{"model.safetensors", formats::encode_safetensors(model_to_safetensors(store))},
                                 {"optimizer.safetensors", formats::encode_safetensors(opt)},
                                 {"state.json", s.dump(2) + "\n"}};
  if (!vocabulary_file.empty() && fs::exists(vocabulary_file))
    files["vocabulary.json"] = data::read_text_file(vocabulary_file);
  return formats::write_checkpoint(run_dir, state.step, files);
}

LoadedCheckpoint load_checkpoint_folder(const fs::path& folder, ParameterStore& store, Optimizer& optimizer,
                                        LrSchedule& schedule, const data::Vocabulary* vocabulary) {
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
  const std::string model_source = (folder / "model.safetensors").string();
  restore_model(formats::decode_safetensors(file("model.safetensors"), model_source), store, model_source);
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
  const std::string state_file = (folder / "state.json").string();
  try {  // a well-formed file with a missing or mistyped field is an error naming the file
    const nlohmann::json s = data::parse_json(file("state.json"), state_file);
    GRAIN_CHECK(s.value("optimizer", "") == optimizer.name(),
                state_file << ": optimizer " << s.value("optimizer", "?") << ", the run uses " << optimizer.name());
    state_from_json(s, loaded.state);
    schedule.load_state(numbers_from_json(s.at("schedule")));
    optimizer.set_steps(s.at("optimizer_steps"));
    loaded.config_yaml = s.at("config").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    GRAIN_THROW(state_file << ": " << e.what());
  } catch (const Error& e) {
    GRAIN_THROW(state_file << ": " << e.what());
  }
  optimizer.set_learning_rate(schedule.current());
  return loaded;
}

std::optional<LoadedCheckpoint> load_trainer_checkpoint(const fs::path& run_dir, ParameterStore& store,
                                                        Optimizer& optimizer, LrSchedule& schedule,
                                                        const data::Vocabulary* vocabulary) {
  const formats::LatestCheckpoint latest = formats::find_latest_valid(run_dir);
  if (!latest.checkpoint) {
    GRAIN_CHECK(latest.messages.empty(), "resume: no valid checkpoint in " << run_dir.string() << ": "
                                                                           << latest.messages.front());
    return std::nullopt;
  }
  LoadedCheckpoint loaded = load_checkpoint_folder(latest.checkpoint->path, store, optimizer, schedule, vocabulary);
  loaded.messages = latest.messages;
  return loaded;
}

int64_t checkpoint_step(const fs::path& checkpoint_folder) {
  const std::string name = checkpoint_folder.filename().string();
  GRAIN_CHECK(name.rfind("ckpt-", 0) == 0, checkpoint_folder.string() << " is not a checkpoint folder (ckpt-<step>)");
  try {
    return std::stoll(name.substr(5));
  } catch (const std::exception&) {
    GRAIN_THROW(checkpoint_folder.string() << " is not a checkpoint folder (ckpt-<step>)");
  }
}

fs::path evaluation_checkpoint(const fs::path& path) {
  GRAIN_CHECK(fs::is_directory(path), path.string() << " is not a folder (a run folder or ckpt-<step>)");
  if (fs::exists(path / formats::kCheckpointManifest)) return path;
  const fs::path best = path / "best.json";
  if (fs::exists(best)) {
    const nlohmann::json j = data::parse_json(data::read_text_file(best), best.string());
    GRAIN_CHECK(j.is_object() && j.contains("checkpoint") && j.at("checkpoint").is_string(),
                best.string() << ": expected {\"checkpoint\": \"ckpt-<step>\", ...}");
    const fs::path folder = formats::checkpoint_in_run(path, j.at("checkpoint").get<std::string>(), best.string());
    const auto problem = formats::verify_checkpoint(folder);
    GRAIN_CHECK(!problem, best.string() << " names " << folder.string() << ", which is not valid: " << *problem);
    return folder;
  }
  const formats::LatestCheckpoint latest = formats::find_latest_valid(path);
  GRAIN_CHECK(latest.checkpoint, path.string() << " has no valid checkpoint"
                                               << (latest.messages.empty() ? "" : ": " + latest.messages.front()));
  return latest.checkpoint->path;
}

}  // namespace grain
