// The direct convolution kernels (kernels/cpu/conv_direct.h) against float64
// loops written here from the definition of the convolution and of its two
// gradients, for every instruction-set table this CPU can run, at odd sizes,
// paddings from 0 to kernel - 1 and the kernel shapes of the encoder (3x3x3,
// 1x3x3) and others; the tables against each other (AVX2 and AVX-512 must
// agree bit for bit: both fuse the multiply-add and sum in one order);
// results at 1, 2 and 3 threads bit for bit; and conv3d's float32 gradients
// (which take the direct path) against its float64 ones (which take
// vol2col + GEMM).
//
// Tolerance: float32 accumulation of K products of values in [-1, 1] against
// the float64 sum, |a - b| <= 1e-5 * (1 + sum of |products|); the float32
// rounding bound is about K * 2^-24 * that sum, below it for K < 160, and the
// sums here are random-signed, so the observed error is far smaller.
#include <catch2/catch.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "engine/autograd.h"
#include "engine/ops/conv.h"
#include "engine/ops/binary.h"
#include "engine/ops/reduce.h"
#include "kernels/cpu/conv_direct.h"

using namespace grain;
using kernels::ConvGeometry;
using kernels::CpuIsa;

namespace {

struct Case {
  int64_t n, d, h, w, cin, cout, kd, kh, kw, pd, ph, pw;
};

// Encoder layers at small sizes, odd extents, every padding up to k - 1,
// channel counts from 1 to 64 (Cin need not be a multiple of 8 except for the
// data gradient) and Cout 8 (8 lanes), 16 and 48 (16 lanes; 48 = 3 vectors),
// 24 (3 vectors of 8), 64 (groups of 4 vectors). Rows shorter than 8
// positions (conv4's, the 24-channel case's) take the position-range tiles,
// conv4's 100 positions ending in a partial chunk; the others row segments,
// of every width from 5 to 17 (the 33-wide row cut into 16 + 17).
const std::vector<Case> kCases = {
    {2, 4, 9, 11, 3, 8, 3, 3, 3, 1, 1, 1},    // conv1 of the 3D channel
    {3, 1, 7, 13, 3, 8, 1, 3, 3, 0, 1, 1},    // conv1 of the 2D channel
    {1, 5, 6, 7, 8, 16, 3, 3, 3, 1, 1, 1},    // conv2
    {2, 3, 5, 5, 16, 32, 3, 3, 3, 1, 1, 1},   // conv3
    {1, 4, 7, 7, 32, 64, 3, 3, 3, 1, 0, 0},   // conv4
    {1, 3, 5, 6, 8, 24, 3, 3, 3, 2, 2, 0},    // padding k - 1 and 0 mixed
    {2, 3, 6, 5, 5, 48, 2, 3, 1, 1, 0, 0},    // even and 1-wide kernels
    {1, 2, 3, 29, 1, 8, 1, 1, 5, 0, 0, 4},    // a row longer than a tile, padding 4
    {1, 2, 4, 4, 8, 8, 1, 1, 1, 0, 0, 0},     // pointwise
};

ConvGeometry geometry(const Case& c) {
  ConvGeometry g{};
  g.in_d = c.d, g.in_h = c.h, g.in_w = c.w, g.in_c = c.cin;
  g.k_d = c.kd, g.k_h = c.kh, g.k_w = c.kw;
  g.stride_d = g.stride_h = g.stride_w = 1;
  g.pad_d = c.pd, g.pad_h = c.ph, g.pad_w = c.pw;
  g.dil_d = g.dil_h = g.dil_w = 1;
  g.out_d = c.d + 2 * c.pd - c.kd + 1;
  g.out_h = c.h + 2 * c.ph - c.kh + 1;
  g.out_w = c.w + 2 * c.pw - c.kw + 1;
  return g;
}

std::vector<float> uniform(size_t n, uint64_t seed) {
  std::vector<float> v(n);
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (float& e : v) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    e = static_cast<float>(static_cast<double>(s >> 11) / 9007199254740992.0 * 2 - 1);
  }
  return v;
}

// The float64 sums of the definition, with the sum of |products| per element for the tolerance.
struct Reference {
  std::vector<double> y, y_abs, dx, dx_abs, dw, dw_abs, db, db_abs;
};

Reference reference(const Case& c, const ConvGeometry& g, const std::vector<float>& x, const std::vector<float>& w,
                    const std::vector<float>& b, const std::vector<float>& dy) {
  Reference r;
  const int64_t patch = g.patch();
  const size_t ys = c.n * g.out_d * g.out_h * g.out_w * c.cout, xs = x.size();
  r.y.assign(ys, 0), r.y_abs.assign(ys, 0), r.dx.assign(xs, 0), r.dx_abs.assign(xs, 0);
  r.dw.assign(w.size(), 0), r.dw_abs.assign(w.size(), 0), r.db.assign(c.cout, 0), r.db_abs.assign(c.cout, 0);
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t od = 0; od < g.out_d; ++od)
      for (int64_t oh = 0; oh < g.out_h; ++oh)
        for (int64_t ow = 0; ow < g.out_w; ++ow)
          for (int64_t o = 0; o < c.cout; ++o) {
            const size_t yi = (((n * g.out_d + od) * g.out_h + oh) * g.out_w + ow) * c.cout + o;
            r.y[yi] = b[o];
            r.y_abs[yi] = std::fabs(b[o]);
            r.db[o] += dy[yi];
            r.db_abs[o] += std::fabs(dy[yi]);
            for (int64_t a = 0; a < c.kd; ++a)
              for (int64_t bb = 0; bb < c.kh; ++bb)
                for (int64_t cc = 0; cc < c.kw; ++cc) {
                  const int64_t id = od - c.pd + a, ih = oh - c.ph + bb, iw = ow - c.pw + cc;
                  if (id < 0 || id >= c.d || ih < 0 || ih >= c.h || iw < 0 || iw >= c.w) continue;
                  for (int64_t i = 0; i < c.cin; ++i) {
                    const size_t xi = (((n * c.d + id) * c.h + ih) * c.w + iw) * c.cin + i;
                    const size_t wi = o * patch + ((a * c.kh + bb) * c.kw + cc) * c.cin + i;
                    r.y[yi] += double(w[wi]) * x[xi];
                    r.y_abs[yi] += std::fabs(double(w[wi]) * x[xi]);
                    r.dx[xi] += double(w[wi]) * dy[yi];
                    r.dx_abs[xi] += std::fabs(double(w[wi]) * dy[yi]);
                    r.dw[wi] += double(x[xi]) * dy[yi];
                    r.dw_abs[wi] += std::fabs(double(x[xi]) * dy[yi]);
                  }
                }
          }
  return r;
}

void check_close(const std::vector<float>& got, const std::vector<double>& want, const std::vector<double>& scale,
                 const char* what) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO(what << " element " << i << ": got " << got[i] << ", float64 " << want[i]);
    REQUIRE(std::fabs(got[i] - want[i]) <= 1e-5 * (1 + scale[i]));
  }
}

std::vector<CpuIsa> runnable_isas() {
  std::vector<CpuIsa> isas{CpuIsa::kGeneric};
  if (kernels::detected_cpu_isa() != CpuIsa::kGeneric) isas.push_back(CpuIsa::kAvx2);
  if (kernels::detected_cpu_isa() == CpuIsa::kAvx512) isas.push_back(CpuIsa::kAvx512);
  return isas;
}

// The input, weights, bias and output gradient of a case, from seeds seed .. seed + 3.
struct Inputs {
  std::vector<float> x, w, b, dy;
};

Inputs inputs(const Case& c, const ConvGeometry& g, uint64_t seed) {
  return {uniform(c.n * c.d * c.h * c.w * c.cin, seed), uniform(g.patch() * c.cout, seed + 1),
          uniform(c.cout, seed + 2), uniform(c.n * g.out_d * g.out_h * g.out_w * c.cout, seed + 3)};
}

struct Outputs {
  std::vector<float> y, dx, dw, db;
};

// Fills dx only where the data gradient applies (Cin a multiple of 8).
Outputs run_direct(const Case& c, const ConvGeometry& g, const Inputs& in, CpuIsa isa) {
  Outputs out;
  out.y.assign(in.dy.size(), std::nanf(""));
  out.dw.assign(in.w.size(), std::nanf(""));
  out.db.assign(c.cout, std::nanf(""));
  kernels::direct_conv_forward(in.x.data(), c.n, g, in.w.data(), c.cout, in.b.data(), out.y.data(), isa);
  kernels::direct_conv_backward_filter(in.x.data(), in.dy.data(), c.n, g, c.cout, out.dw.data(), out.db.data(), isa);
  if (kernels::direct_conv_supports(g, c.cout, kernels::DirectConvPass::kBackwardData)) {
    out.dx.assign(in.x.size(), std::nanf(""));
    kernels::direct_conv_backward_data(in.dy.data(), c.n, g, in.w.data(), c.cout, out.dx.data(), isa);
  }
  return out;
}

struct ThreadCount {
  int saved = omp_get_max_threads();
  explicit ThreadCount(int n) { omp_set_num_threads(n); }
  ~ThreadCount() { omp_set_num_threads(saved); }
};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0;
}

}  // namespace

TEST_CASE("direct convolution passes match float64 loops for every instruction-set table", "[conv][direct]") {
  uint64_t seed = 100;
  for (const Case& c : kCases) {
    const ConvGeometry g = geometry(c);
    const Inputs in = inputs(c, g, seed);
    seed += 4;
    const Reference r = reference(c, g, in.x, in.w, in.b, in.dy);
    for (CpuIsa isa : runnable_isas()) {
      INFO("table " << kernels::cpu_isa_name(isa) << ", x (" << c.n << "," << c.d << "," << c.h << "," << c.w << ","
                    << c.cin << "), Cout " << c.cout << ", kernel " << c.kd << "x" << c.kh << "x" << c.kw
                    << ", padding " << c.pd << "," << c.ph << "," << c.pw);
      const Outputs out = run_direct(c, g, in, isa);
      check_close(out.y, r.y, r.y_abs, "y");
      check_close(out.dw, r.dw, r.dw_abs, "dw");
      check_close(out.db, r.db, r.db_abs, "db");
      if (!out.dx.empty()) check_close(out.dx, r.dx, r.dx_abs, "dx");
      CHECK(out.dx.empty() == (c.cin % 8 != 0));
    }
  }
}

TEST_CASE("the AVX2 and AVX-512 tables agree bit for bit, at 1, 2 and 3 threads", "[conv][direct][bitwise]") {
  const std::vector<CpuIsa> isas = runnable_isas();
  uint64_t seed = 300;
  for (const Case& c : kCases) {
    const ConvGeometry g = geometry(c);
    const Inputs in = inputs(c, g, seed);
    seed += 4;
    for (CpuIsa isa : isas) {
      INFO("table " << kernels::cpu_isa_name(isa) << ", Cin " << c.cin << ", Cout " << c.cout);
      Outputs one;
      {
        const ThreadCount scope(1);
        one = run_direct(c, g, in, isa);
      }
      for (int threads : {2, 3}) {
        INFO(threads << " threads");
        const ThreadCount scope(threads);
        const Outputs many = run_direct(c, g, in, isa);
        CHECK(same_bits(one.y, many.y));
        CHECK(same_bits(one.dx, many.dx));
        CHECK(same_bits(one.dw, many.dw));
        CHECK(same_bits(one.db, many.db));
      }
    }
    if (isas.back() == CpuIsa::kAvx512) {
      INFO("AVX2 against AVX-512, Cin " << c.cin << ", Cout " << c.cout);
      const Outputs a = run_direct(c, g, in, CpuIsa::kAvx2);
      const Outputs z = run_direct(c, g, in, CpuIsa::kAvx512);
      CHECK(same_bits(a.y, z.y));
      CHECK(same_bits(a.dx, z.dx));
      CHECK(same_bits(a.dw, z.dw));
      CHECK(same_bits(a.db, z.db));
    }
  }
}

TEST_CASE("direct_conv_supports takes stride and dilation 1 and channel counts in multiples of 8", "[conv][direct]") {
  ConvGeometry g = geometry({1, 4, 6, 6, 8, 16, 3, 3, 3, 1, 1, 1});
  using kernels::DirectConvPass;
  CHECK(kernels::direct_conv_supports(g, 16, DirectConvPass::kForward));
  CHECK(kernels::direct_conv_supports(g, 16, DirectConvPass::kBackwardData));
  CHECK_FALSE(kernels::direct_conv_supports(g, 12, DirectConvPass::kForward));
  CHECK_FALSE(kernels::direct_conv_supports(g, 12, DirectConvPass::kBackwardFilter));
  g.pad_w = 3;  // more than k - 1: the data gradient's padding would be negative
  CHECK(kernels::direct_conv_supports(g, 16, DirectConvPass::kForward));
  CHECK_FALSE(kernels::direct_conv_supports(g, 16, DirectConvPass::kBackwardData));
  g.pad_w = 1;
  g.in_c = 3;
  CHECK_FALSE(kernels::direct_conv_supports(g, 16, DirectConvPass::kBackwardData));
  g.stride_h = 2;
  CHECK_FALSE(kernels::direct_conv_supports(g, 16, DirectConvPass::kForward));
  g.stride_h = 1;
  g.dil_d = 2;
  CHECK_FALSE(kernels::direct_conv_supports(g, 16, DirectConvPass::kBackwardFilter));
}

TEST_CASE("conv3d's float32 gradients (direct kernels) agree with its float64 ones (vol2col + GEMM)",
          "[conv][direct]") {
  // The encoder's conv2 and the 2D channel's shape, through the op and autograd.
  struct Setup {
    Shape x, w;
    Conv3dParams p;
  };
  const std::vector<Setup> setups = {
      {{2, 5, 7, 9, 8}, {16, 3, 3, 3, 8}, {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}}},
      {{3, 1, 9, 6, 16}, {8, 1, 3, 3, 16}, {{1, 1, 1}, {0, 1, 1}, {1, 1, 1}}},
      {{1, 4, 7, 7, 32}, {64, 3, 3, 3, 32}, {{1, 1, 1}, {1, 0, 0}, {1, 1, 1}}},
  };
  uint64_t seed = 500;
  for (const Setup& s : setups) {
    std::vector<std::vector<double>> grads[2];
    std::vector<double> values[2];
    for (int k = 0; k < 2; ++k) {
      const DType dtype = k == 0 ? DType::kFloat32 : DType::kFloat64;
      Tensor x = Tensor::uniform(s.x, -1, 1, seed, dtype), w = Tensor::uniform(s.w, -1, 1, seed + 1, dtype);
      Tensor b = Tensor::uniform({s.w[0]}, -1, 1, seed + 2, dtype);
      x.set_requires_grad(true), w.set_requires_grad(true), b.set_requires_grad(true);
      const Tensor y = conv3d(x, w, b, s.p);
      // A loss whose gradient is not constant: sum(y * y) gives dy = 2y.
      sum(mul(y, y)).backward();
      values[k] = y.to_vector();
      grads[k] = {x.grad().to_vector(), w.grad().to_vector(), b.grad().to_vector()};
    }
    seed += 3;
    const double k_terms = static_cast<double>(s.w[1] * s.w[2] * s.w[3] * s.w[4]);
    for (size_t i = 0; i < values[0].size(); ++i) REQUIRE(std::fabs(values[0][i] - values[1][i]) <= 1e-5 * k_terms);
    const char* names[] = {"dx", "dw", "db"};
    for (int j = 0; j < 3; ++j)
      for (size_t i = 0; i < grads[0][j].size(); ++i) {
        INFO(names[j] << " element " << i << ": float32 " << grads[0][j][i] << ", float64 " << grads[1][j][i]);
        // dy = 2y grows with K; the filter gradient sums over every output position.
        REQUIRE(std::fabs(grads[0][j][i] - grads[1][j][i]) <= 2e-5 * k_terms * (1 + std::fabs(grads[1][j][i])));
      }
  }
}
