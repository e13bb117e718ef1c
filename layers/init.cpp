// defines: parameter initialisation (see init.h)
#include "layers/init.h"

#include "engine/error.h"
#include "kernels/counter_rng.h"

namespace grain {

namespace {
void assign(Parameter& p, const Tensor& values) {
  GRAIN_CHECK(p.value.defined(), "init: parameter " << p.name << " is not materialized");
  p.value.copy_from(values.to(p.value.device()));
}
}  // namespace

void init_uniform(Parameter& p, double bound, uint64_t seed) {
  assign(p, Tensor::uniform(p.shape, -bound, bound, kernels::parameter_seed(seed, p.name), p.value.dtype()));
}

void init_normal(Parameter& p, double mean, double stddev, uint64_t seed) {
  assign(p, Tensor::normal(p.shape, mean, stddev, kernels::parameter_seed(seed, p.name), p.value.dtype()));
}

void init_constant(Parameter& p, double value) {
  assign(p, Tensor::full(p.shape, value, p.value.dtype()));
}

}  // namespace grain
