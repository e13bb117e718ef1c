// kernels::gemm splits large products across OpenMP threads (along M, N or,
// for a small C with a long K, along fixed K chunks). Checked against a
// float64 triple loop for every split and transpose combination, with
// 1, 2 and 3 threads (set here: ctest runs tests with OMP_NUM_THREADS=1,
// which alone would never split), and for identical results whatever the
// thread count.
#include <omp.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/gemm.h"

namespace {

struct Case {
  const char* what;
  int64_t m, n, k;
};

// Sizes chosen to take each path of kernels/cpu/gemm.cpp: rows, columns,
// K chunks (with a ragged last chunk), and one too small to split.
const Case kCases[] = {
    {"split along M", 1031, 9, 40},
    {"split along N", 7, 777, 50},
    {"split along K", 8, 81, 40000},
    {"split along K, more chunks than one wave holds", 4, 8, 70000},
    {"split along K, a middle-sized output", 32, 432, 12544},
    {"too small to split", 30, 20, 10},
};

double element(uint64_t i, uint64_t salt) {
  uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ salt;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 32;
  return static_cast<double>(x % 2001) / 1000.0 - 1.0;  // [-1, 1]
}

std::vector<float> gemm_with_threads(int threads, bool ta, bool tb, const Case& c, float beta,
                                     const std::vector<float>& a, const std::vector<float>& b,
                                     const std::vector<float>& c0) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  std::vector<float> out = c0;
  grain::kernels::gemm(ta, tb, c.m, c.n, c.k, 0.5f, a.data(), ta ? c.m : c.k, b.data(), tb ? c.k : c.n, beta,
                       out.data(), c.n);
  omp_set_num_threads(saved);
  return out;
}

}  // namespace

TEST_CASE("gemm: every split agrees with a float64 loop and does not depend on the thread count", "[gemm]") {
  for (const Case& c : kCases) {
    for (int t = 0; t < 4; ++t) {
      const bool ta = t & 1, tb = t & 2;
      for (const float beta : {0.f, 1.f}) {
        CAPTURE(c.what, ta, tb, beta);
        std::vector<float> a(static_cast<size_t>(c.m * c.k)), b(static_cast<size_t>(c.k * c.n));
        for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(element(i, 1));
        for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(element(i, 2));
        // beta 0 must overwrite C without reading it, NaN included (the BLAS rule).
        std::vector<float> c0(static_cast<size_t>(c.m * c.n),
                              beta == 0.f ? std::numeric_limits<float>::quiet_NaN() : 0.25f);
        const std::vector<float> one = gemm_with_threads(1, ta, tb, c, beta, a, b, c0);
        double worst = 0;
        for (int64_t i = 0; i < c.m; ++i) {
          for (int64_t j = 0; j < c.n; ++j) {
            double sum = 0;
            for (int64_t p = 0; p < c.k; ++p) {
              const double av = ta ? a[static_cast<size_t>(p * c.m + i)] : a[static_cast<size_t>(i * c.k + p)];
              const double bv = tb ? b[static_cast<size_t>(j * c.k + p)] : b[static_cast<size_t>(p * c.n + j)];
              sum += av * bv;
            }
            const double want = 0.5 * sum + (beta == 0.f ? 0.0 : 0.25);
            worst = std::max(worst, std::abs(one[static_cast<size_t>(i * c.n + j)] - want) / (1 + std::abs(want)));
          }
        }
        // float32 accumulation over K terms of size <= 1: relative error ~ K * 2^-24.
        CHECK(worst < 1e-5 * std::sqrt(static_cast<double>(c.k)) + 1e-6);
        for (const int threads : {2, 3}) {
          CHECK(gemm_with_threads(threads, ta, tb, c, beta, a, b, c0) == one);
        }
      }
    }
  }
}
