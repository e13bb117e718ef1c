// defines: grain::ParameterStore (see parameters.h)
#include "engine/parameters.h"

#include "engine/error.h"

namespace grain {

std::shared_ptr<Parameter> ParameterStore::declare(const std::string& name, const Shape& shape) {
  GRAIN_CHECK(!materialized(), "parameters: cannot declare " << name << " after materialize()");
  GRAIN_CHECK(!find(name), "parameters: duplicate parameter name " << name);
  auto p = std::make_shared<Parameter>();
  p->name = name;
  p->shape = shape;
  p->offset = total_;
  total_ += numel(shape);
  parameters_.push_back(p);
  return p;
}

std::shared_ptr<Parameter> ParameterStore::declare_buffer(const std::string& name, const Shape& shape) {
  auto p = declare(name, shape);
  p->buffer = true;
  return p;
}

void ParameterStore::materialize(Device device) {
  GRAIN_CHECK(!materialized(), "parameters: materialize() called twice");
  values_ = Tensor::zeros({total_}, dtype_, device);
  grads_ = Tensor::zeros({total_}, dtype_, device);
  const size_t es = dtype_size(dtype_);
  for (auto& p : parameters_) {
    p->value = Tensor::view_of(values_.impl()->storage, p->offset * es, p->shape, dtype_);
    p->value.impl()->name = p->name;
    p->value.set_requires_grad(!p->frozen && !p->buffer);
    if (!p->buffer) p->value.set_grad(Tensor::view_of(grads_.impl()->storage, p->offset * es, p->shape, dtype_));
  }
}

int ParameterStore::set_frozen(const std::string& prefix, bool frozen) {
  int matched = 0;
  for (auto& p : parameters_) {
    if (p->name.rfind(prefix, 0) != 0) continue;
    p->frozen = frozen;
    if (p->value.defined()) p->value.set_requires_grad(!frozen && !p->buffer);
    ++matched;
  }
  return matched;
}

void ParameterStore::zero_grad() {
  if (grads_.defined()) grads_.zero();
}

std::shared_ptr<Parameter> ParameterStore::find(const std::string& name) const {
  for (const auto& p : parameters_)
    if (p->name == name) return p;
  return nullptr;
}

std::vector<std::pair<int64_t, int64_t>> ParameterStore::trainable_ranges() const {
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (const auto& p : parameters_) {
    if (p->frozen || p->buffer) continue;
    const int64_t count = numel(p->shape);
    if (!ranges.empty() && ranges.back().first + ranges.back().second == p->offset) {
      ranges.back().second += count;
    } else {
      ranges.push_back({p->offset, count});
    }
  }
  return ranges;
}

}  // namespace grain
