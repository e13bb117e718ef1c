// defines: init_uniform, init_normal, init_constant — parameter initialisation
//
// Each parameter's values depend only on (model seed, parameter name)
// (kernels::parameter_seed), never on declaration order or thread count, so
// adding a layer does not change the initialisation of the others. Bounds
// follow PyTorch's defaults (documented per layer).
#pragma once

#include <cstdint>

#include "engine/parameters.h"

namespace grain {

// Fills a materialized parameter with U(-bound, bound).
void init_uniform(Parameter& p, double bound, uint64_t seed);
// Fills a materialized parameter with N(mean, stddev^2).
void init_normal(Parameter& p, double mean, double stddev, uint64_t seed);
// Fills with a constant.
void init_constant(Parameter& p, double value);

}  // namespace grain
