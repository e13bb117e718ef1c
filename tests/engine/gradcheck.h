// defines: gradcheck — finite-difference check of every differentiable input
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace grain::testing {

struct GradcheckResult {
  bool ok = true;
  std::string message;  // names op, input, element, analytic and numeric values
  int checked = 0;
  double max_abs_error = 0;  // largest |analytic - numeric| seen
};

// Loss = sum_j sum(r_j * y_j) with fixed random r_j; compares the autograd
// gradient of each differentiable (floating, requires_grad) input with central
// differences (eps) under |a - n| <= atol + rtol |n|. `inputs` must be
// float64 CPU leaves; those to check must have requires_grad set.
GradcheckResult gradcheck(const std::string& name,
                          const std::function<std::vector<Tensor>(const std::vector<Tensor>&)>& run,
                          std::vector<Tensor> inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
                          uint64_t seed = 1234);

}  // namespace grain::testing
