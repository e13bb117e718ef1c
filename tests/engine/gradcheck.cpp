// defines: gradcheck (see gradcheck.h)
#include "tests/engine/gradcheck.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "engine/autograd.h"
#include "engine/ops/binary.h"
#include "engine/ops/reduce.h"

namespace grain::testing {

GradcheckResult gradcheck(const std::string& name,
                          const std::function<std::vector<Tensor>(const std::vector<Tensor>&)>& run,
                          std::vector<Tensor> inputs, double eps, double atol, double rtol, uint64_t seed) {
  GradcheckResult result;
  // The projections r_j, fixed for the whole check.
  std::vector<Tensor> outputs = run(inputs);
  std::vector<Tensor> projections;
  for (size_t j = 0; j < outputs.size(); ++j)
    projections.push_back(Tensor::uniform(outputs[j].shape(), -1.0, 1.0, seed + j, DType::kFloat64));

  auto loss_value = [&]() {
    NoGradGuard no_grad;
    const std::vector<Tensor> ys = run(inputs);
    double total = 0;
    for (size_t j = 0; j < ys.size(); ++j) {
      const std::vector<double> y = ys[j].to_vector(), r = projections[j].to_vector();
      for (size_t i = 0; i < y.size(); ++i) total += y[i] * r[i];
    }
    return total;
  };

  Tensor loss;
  for (size_t j = 0; j < outputs.size(); ++j) {
    if (!outputs[j].requires_grad()) continue;
    const Tensor term = sum(mul(outputs[j], projections[j]));
    loss = loss.defined() ? add(loss, term) : term;
  }
  if (!loss.defined()) {
    result.ok = false;
    result.message = name + ": no output requires grad";
    return result;
  }
  loss.backward();

  for (size_t k = 0; k < inputs.size(); ++k) {
    Tensor& x = inputs[k];
    if (!x.requires_grad()) continue;
    const Tensor analytic = x.grad();
    double* data = x.data<double>();
    for (int64_t i = 0; i < x.numel(); ++i) {
      const double saved = data[i];
      data[i] = saved + eps;
      const double plus = loss_value();
      data[i] = saved - eps;
      const double minus = loss_value();
      data[i] = saved;
      const double numeric = (plus - minus) / (2 * eps);
      const double a = analytic.defined() ? analytic.data<double>()[i] : 0.0;
      ++result.checked;
      result.max_abs_error = std::max(result.max_abs_error, std::fabs(a - numeric));
      if (!(std::fabs(a - numeric) <= atol + rtol * std::fabs(numeric))) {
        std::ostringstream os;
        os << name << ": input " << k << " " << x.shape() << " element " << i << ": analytic " << a << ", numeric "
           << numeric << " (|diff| " << std::fabs(a - numeric) << " > " << atol << " + " << rtol << " |numeric|)";
        result.ok = false;
        result.message = os.str();
        return result;
      }
    }
  }
  return result;
}

}  // namespace grain::testing
