// defines: init_uniform, init_normal, name_seed — parameter initialisation
//
// Each parameter's values depend only on (model seed, parameter name), never
// on declaration order or thread count, so adding a layer does not change the
// initialisation of the others. Bounds follow PyTorch's defaults (documented
// per layer).
#pragma once

#include <cstdint>
#include <string>

#include "engine/parameters.h"

namespace grain {

// FNV-1a of the name mixed with the seed.
uint64_t name_seed(uint64_t seed, const std::string& name);
// Fills a materialized parameter with U(-bound, bound).
void init_uniform(Parameter& p, double bound, uint64_t seed);
// Fills a materialized parameter with N(mean, stddev^2).
void init_normal(Parameter& p, double mean, double stddev, uint64_t seed);
// Fills with a constant.
void init_constant(Parameter& p, double value);

}  // namespace grain
