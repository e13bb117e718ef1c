// synth-kitchen: the kitchenware-like transfer target (13 classes x 30 videos).
#pragma once

#include <memory>

#include "dataset_kind.h"

namespace grain::data::synth {

/// The synth-kitchen dataset kind.
std::unique_ptr<DatasetKind> make_kitchen_set();

}  // namespace grain::data::synth
