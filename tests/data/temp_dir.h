// The data tests' temporary folders: the shared tests/common/temp_dir.h.
#pragma once

#include "tests/common/temp_dir.h"

namespace grain::data::testing {

using TempDir = grain::testing::TempDir;

}  // namespace grain::data::testing
