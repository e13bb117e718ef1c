// synth-ss: the Something-Something-like source dataset (34 categories in 10 groups).
#pragma once

#include <memory>

#include "dataset_kind.h"

namespace grain::data::synth {

/// The synth-ss dataset kind: categories, groups, labels and scenes.
std::unique_ptr<DatasetKind> make_ss_set();

}  // namespace grain::data::synth
