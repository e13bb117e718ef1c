// defines: model I/O in PyTorch names and layouts (see model_io.h)
#include "models/model_io.h"

#include <cstring>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops/shape_ops.h"

namespace grain {

namespace {

constexpr const char* kProducer = "grain 0.1";

bool has_prefix(const std::string& name, const std::string& prefix) {
  return name.compare(0, prefix.size(), prefix) == 0;
}

std::string bytes_of(const Tensor& t) {
  const Tensor host = t.to(Device::cpu());
  return std::string(static_cast<const char*>(host.raw_data()), host.nbytes());
}

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
  GRAIN_CHECK(t == DType::kFloat32 || t == DType::kFloat64, "model file: parameters must be float32 or float64");
  return t == DType::kFloat32 ? "F32" : "F64";
}

// Copies a PyTorch-layout entry into the parameter (checking dtype and shape).
void assign(Parameter& p, const formats::SafetensorsEntry& e, DType dtype, const std::string& source) {
  GRAIN_CHECK(e.dtype == dtype_code(dtype), source << ": tensor " << e.name << " has dtype " << e.dtype
                                                   << ", the model expects " << dtype_code(dtype));
  const Shape expected = pytorch_shape(p);
  const Shape got(e.shape.begin(), e.shape.end());
  GRAIN_CHECK(got == expected, source << ": tensor " << e.name << " has shape " << got << ", the model expects "
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

}  // namespace

formats::SafetensorsFile model_to_safetensors(const ParameterStore& store) {
  formats::SafetensorsFile file;
  for (const auto& p : store.parameters()) {
    const Shape s = pytorch_shape(*p);
    file.tensors.push_back({p->name, dtype_code(store.dtype()), std::vector<uint64_t>(s.begin(), s.end()),
                            bytes_of(to_pytorch(*p))});
  }
  file.metadata["producer"] = kProducer;
  return file;
}

void restore_model(const formats::SafetensorsFile& file, ParameterStore& store, const std::string& source,
                   const std::string& prefix) {
  size_t matched = 0;
  for (const auto& p : store.parameters()) {
    if (!has_prefix(p->name, prefix)) continue;
    const formats::SafetensorsEntry* e = file.find(p->name);
    GRAIN_CHECK(e, source << ": tensor " << p->name << " is missing (the file holds another model)");
    assign(*p, *e, store.dtype(), source);
    ++matched;
  }
  GRAIN_CHECK(matched > 0, source << ": the model has no parameter named " << prefix << "*");
  if (prefix.empty())
    GRAIN_CHECK(file.tensors.size() == matched,
                source << ": holds " << file.tensors.size() << " tensors, the model has " << matched);
}

void load_model_weights(const std::filesystem::path& model_safetensors, ParameterStore& store,
                        const std::string& prefix) {
  restore_model(formats::read_safetensors(model_safetensors), store, model_safetensors.string(), prefix);
}

}  // namespace grain
