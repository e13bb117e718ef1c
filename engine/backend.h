// defines: common_device, throw_not_implemented_on_cuda, check_same_dtype
//
// Shared by every op's dispatch: all inputs must sit on one device (no
// implicit copies), and a backend that lacks an op throws — nothing silently
// falls back to the CPU.
#pragma once

#include <vector>

#include "engine/tensor.h"

namespace grain {

// The device of the defined inputs; throws naming the op if they differ.
Device common_device(const char* op, const std::vector<Tensor>& inputs);
// Throws naming the op if defined inputs have different dtypes.
void check_same_dtype(const char* op, const std::vector<Tensor>& inputs);
[[noreturn]] void throw_not_implemented_on_cuda(const char* op);

}  // namespace grain
