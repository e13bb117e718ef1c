// defines: conv3d, conv2d (see conv.h)
//
// CPU: float32 passes that the direct kernels support (stride and dilation
// 1, channel counts a multiple of 8: every layer of the model's encoder) run
// through kernels/cpu/conv_direct.h; the rest through vol2col + GEMM over
// blocks of output depth slices taken across the batch
// (kernels/cpu/vol2col.h), each block sized so the lowered matrix stays
// within kColsBudget elements whatever the clip length. GRAIN_CPU_CONV=gemm
// forces the GEMM path (to compare the two; docs/performance.md). conv2d is
// conv3d on a depth-1 volume; both share one shape check.
#include "engine/ops/conv.h"

#include <algorithm>
#include <type_traits>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "engine/ops/shape_ops.h"
#include "kernels/cpu/conv_direct.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/vol2col.h"

namespace grain {

namespace {

// Upper bound on elements of one lowered block (16 MiB of float32).
constexpr int64_t kColsBudget = 4 << 20;

kernels::ConvGeometry geometry(const char* op, const Shape& x, const Shape& w, const Conv3dParams& p) {
  kernels::ConvGeometry g{};
  g.in_d = x[1], g.in_h = x[2], g.in_w = x[3], g.in_c = x[4];
  g.k_d = w[1], g.k_h = w[2], g.k_w = w[3];
  g.stride_d = p.stride[0], g.stride_h = p.stride[1], g.stride_w = p.stride[2];
  g.pad_d = p.padding[0], g.pad_h = p.padding[1], g.pad_w = p.padding[2];
  g.dil_d = p.dilation[0], g.dil_h = p.dilation[1], g.dil_w = p.dilation[2];
  for (int i = 0; i < 3; ++i) {
    GRAIN_CHECK(p.stride[i] >= 1 && p.dilation[i] >= 1 && p.padding[i] >= 0,
                op << ": stride and dilation must be >= 1 and padding >= 0");
  }
  auto out = [&](int64_t in, int64_t k, int64_t s, int64_t pad, int64_t dil) {
    return (in + 2 * pad - dil * (k - 1) - 1) / s + 1;
  };
  g.out_d = out(g.in_d, g.k_d, g.stride_d, g.pad_d, g.dil_d);
  g.out_h = out(g.in_h, g.k_h, g.stride_h, g.pad_h, g.dil_h);
  g.out_w = out(g.in_w, g.k_w, g.stride_w, g.pad_w, g.dil_w);
  GRAIN_CHECK(g.out_d >= 1 && g.out_h >= 1 && g.out_w >= 1,
              op << ": input " << x << " is smaller than the (dilated) kernel " << w
                 << " after padding; the output would be empty");
  return g;
}

// The lowered matrix covers blocks of output depth slices taken across the
// whole batch (global slice index n * out_d + od), so layers with a small
// spatial extent still make one GEMM with many rows instead of N small ones.
int64_t slices_per_block(const kernels::ConvGeometry& g, int64_t total_slices) {
  const int64_t per_slice = g.out_plane() * g.patch();
  return std::clamp<int64_t>(kColsBudget / std::max<int64_t>(per_slice, 1), 1, total_slices);
}

// The lowered matrices live in per-thread buffers that only grow (at most
// kColsBudget elements each): allocating them per call made the allocator
// map and fault in up to 2 x 16 MiB on every convolution, which measured as a
// 2-3x slowdown and large run-to-run variance at the tiny preset's conv4
// (bench/engine).
template <typename T>
std::vector<T>& workspace(int slot, size_t elements) {
  thread_local std::vector<T> buffers[2];
  if (buffers[slot].size() < elements) buffers[slot].resize(elements);
  return buffers[slot];
}

// GRAIN_CPU_CONV: "direct" (the default: the direct kernels wherever they
// apply) or "gemm" (always vol2col + GEMM); read once.
bool direct_conv_enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("GRAIN_CPU_CONV");
    const std::string choice = value && *value ? value : "direct";
    GRAIN_CHECK(choice == "direct" || choice == "gemm",
                "GRAIN_CPU_CONV='" << choice << "' is not one of direct, gemm");
    return choice == "direct";
  }();
  return enabled;
}

// Where each path measured faster (docs/performance.md, per-layer table):
// the direct forward at every layer of the encoder but conv6, whose output
// plane is one position (there the lowered matrix is the input itself, rows
// N x T, and one GEMM does better); the direct gradients where the input has
// few channels (conv1-conv3), where the GEMMs' K (taps x Cin) is short and
// their N (Cout) thin and they spend their time packing; from 32 input
// channels on (conv4-conv6, planes of 7 x 7 and smaller) the GEMMs are as fast.
constexpr int64_t kDirectGradientMaxInChannels = 16;

template <typename T>
bool use_direct(const kernels::ConvGeometry& g, int64_t cout, kernels::DirectConvPass pass) {
  const bool faster = pass == kernels::DirectConvPass::kForward ? g.out_plane() > 1
                                                                 : g.in_c <= kDirectGradientMaxInChannels;
  return std::is_same_v<T, float> && direct_conv_enabled() && faster && kernels::direct_conv_supports(g, cout, pass);
}

// A 1x1x1 kernel with unit stride and no padding reads x as it is.
bool is_pointwise(const kernels::ConvGeometry& g) {
  return g.k_d == 1 && g.k_h == 1 && g.k_w == 1 && g.stride_d == 1 && g.stride_h == 1 && g.stride_w == 1 &&
         g.pad_d == 0 && g.pad_h == 0 && g.pad_w == 0;
}

// Calls fn(n, od_begin, od_end, row_offset) for the per-sample pieces of the
// global slices [s_begin, s_end); row_offset is the piece's first row in the
// block. A sample appears at most once in a block, so the pieces touch
// disjoint parts of dx: col2vol (serial inside) runs them in parallel
// (`parallel`), and so does vol2col in the backward (one parallel region for
// the block instead of one per piece: the tiny preset's conv4 and conv5
// backward 1.1-1.9x faster on 2 threads, bench/compare_conv_layers.py); the
// forward's vol2col parallelises inside each piece, which measured faster
// there (128.7 vs 53.8 GFLOP/s at conv4, before the direct kernels took it).
template <typename Fn>
void for_each_piece(const kernels::ConvGeometry& g, int64_t s_begin, int64_t s_end, bool parallel, Fn&& fn) {
  struct Piece {
    int64_t n, od, od_end, row;
  };
  std::vector<Piece> pieces;
  for (int64_t s = s_begin; s < s_end;) {
    const int64_t n = s / g.out_d, od = s % g.out_d, od_end = std::min(g.out_d, od + (s_end - s));
    pieces.push_back({n, od, od_end, (s - s_begin) * g.out_plane()});
    s += od_end - od;
  }
  const int64_t count = static_cast<int64_t>(pieces.size());
  if (!parallel || count == 1) {
    // No OpenMP region at all here: even a one-thread region would make
    // vol2col's own parallel loop a nested (serialised) one.
    for (const Piece& p : pieces) fn(p.n, p.od, p.od_end, p.row);
    return;
  }
#pragma omp parallel for schedule(dynamic)
  for (int64_t i = 0; i < count; ++i) fn(pieces[i].n, pieces[i].od, pieces[i].od_end, pieces[i].row);
}

template <typename T>
void forward_cpu(const Tensor& x, const Tensor& w, const Tensor& b, const kernels::ConvGeometry& g, const Tensor& y) {
  const int64_t cout = w.size(0), patch = g.patch(), total = x.size(0) * g.out_d;
  if constexpr (std::is_same_v<T, float>) {
    if (use_direct<T>(g, cout, kernels::DirectConvPass::kForward)) {
      kernels::direct_conv_forward(x.data<T>(), x.size(0), g, w.data<T>(), cout,
                                   b.defined() ? b.data<T>() : nullptr, y.data<T>());
      return;
    }
  }
  const int64_t in_volume = g.in_d * g.in_h * g.in_w * g.in_c;
  const int64_t block = slices_per_block(g, total);
  const bool pointwise = is_pointwise(g);
  std::vector<T>& cols = workspace<T>(0, pointwise ? 0 : static_cast<size_t>(block * g.out_plane() * patch));
  const T* xp = x.data<T>();
  for (int64_t s = 0; s < total; s += block) {
    const int64_t s_end = std::min(s + block, total), rows = (s_end - s) * g.out_plane();
    // Pointwise: input rows are output rows, across samples too.
    const T* a = xp + s * g.out_plane() * g.in_c;
    if (!pointwise) {
      for_each_piece(g, s, s_end, false, [&](int64_t n, int64_t od, int64_t od_end, int64_t row) {
        kernels::vol2col(xp + n * in_volume, g, od, od_end, cols.data() + row * patch);
      });
      a = cols.data();
    }
    kernels::gemm(false, true, rows, cout, patch, T(1), a, patch, w.data<T>(), patch, T(0),
                  y.data<T>() + s * g.out_plane() * cout, cout);
  }
  if (b.defined()) {
    const T* bp = b.data<T>();
    T* yp = y.data<T>();
    const int64_t rows = y.numel() / cout;
#pragma omp parallel for if (y.numel() > 65536)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t o = 0; o < cout; ++o) yp[r * cout + o] += bp[o];
  }
}

template <typename T>
void backward_cpu(const Tensor& x, const Tensor& w, const kernels::ConvGeometry& g, const Tensor& dy,
                  const Tensor* dx, const Tensor* dw, const Tensor* db) {
  const int64_t cout = w.size(0), patch = g.patch(), total = x.size(0) * g.out_d;
  if constexpr (std::is_same_v<T, float>) {
    // Each gradient the direct kernels support is taken here and dropped from the GEMM pass below.
    if (dw && use_direct<T>(g, cout, kernels::DirectConvPass::kBackwardFilter)) {
      kernels::direct_conv_backward_filter(x.data<T>(), dy.data<T>(), x.size(0), g, cout, dw->data<T>(),
                                           db ? db->data<T>() : nullptr);
      dw = nullptr;
      db = nullptr;
    }
    if (dx && use_direct<T>(g, cout, kernels::DirectConvPass::kBackwardData)) {
      kernels::direct_conv_backward_data(dy.data<T>(), x.size(0), g, w.data<T>(), cout, dx->data<T>());
      dx = nullptr;
    }
    if (!dx && !dw && !db) return;
  }
  const int64_t in_volume = g.in_d * g.in_h * g.in_w * g.in_c;
  const int64_t block = slices_per_block(g, total);
  const bool pointwise = is_pointwise(g);
  const size_t block_elements = static_cast<size_t>(block * g.out_plane() * patch);
  std::vector<T>& cols = workspace<T>(0, dw && !pointwise ? block_elements : 0);
  std::vector<T>& dcols = workspace<T>(1, dx && !pointwise ? block_elements : 0);
  if (dx) dx->zero();
  if (dw) dw->zero();
  const T* xp = x.data<T>();
  for (int64_t s = 0; s < total; s += block) {
    const int64_t s_end = std::min(s + block, total), rows = (s_end - s) * g.out_plane();
    const T* dy_block = dy.data<T>() + s * g.out_plane() * cout;
    if (dw) {
      const T* a = xp + s * g.out_plane() * g.in_c;
      if (!pointwise) {
        for_each_piece(g, s, s_end, true, [&](int64_t n, int64_t od, int64_t od_end, int64_t row) {
          kernels::vol2col(xp + n * in_volume, g, od, od_end, cols.data() + row * patch);
        });
        a = cols.data();
      }
      // dw [Cout, K] += dy_block^T [Cout, rows] a [rows, K]
      kernels::gemm(true, false, cout, patch, rows, T(1), dy_block, cout, a, patch, T(1), dw->data<T>(), patch);
    }
    if (dx) {
      T* dxp = dx->data<T>();
      if (pointwise) {  // dx rows = dy_block w, written in place
        kernels::gemm(false, false, rows, patch, cout, T(1), dy_block, cout, w.data<T>(), patch, T(1),
                      dxp + s * g.out_plane() * g.in_c, patch);
      } else {
        kernels::gemm(false, false, rows, patch, cout, T(1), dy_block, cout, w.data<T>(), patch, T(0), dcols.data(),
                      patch);
        for_each_piece(g, s, s_end, true, [&](int64_t n, int64_t od, int64_t od_end, int64_t row) {
          kernels::col2vol(dcols.data() + row * patch, g, od, od_end, dxp + n * in_volume);
        });
      }
    }
  }
  if (db) {
    db->zero();
    T* d = db->data<T>();
    const T* g_ = dy.data<T>();
    const int64_t rows = dy.numel() / cout;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t o = 0; o < cout; ++o) d[o] += g_[r * cout + o];
  }
}

}  // namespace

void conv_forward_cpu(const Tensor& x, const Tensor& w, const Tensor& b, const kernels::ConvGeometry& g,
                      const Conv3dParams&, const Tensor& y) {
  dispatch_floating(x.dtype(), "conv", [&]<typename T>() { forward_cpu<T>(x, w, b, g, y); });
}

void conv_backward_cpu(const Tensor& x, const Tensor& w, const Tensor& dy, const kernels::ConvGeometry& g,
                       const Conv3dParams&, const Tensor& dx, const Tensor& dw, const Tensor& db) {
  dispatch_floating(dy.dtype(), "conv backward", [&]<typename T>() {
    backward_cpu<T>(x, w, g, dy, dx.defined() ? &dx : nullptr, dw.defined() ? &dw : nullptr,
                    db.defined() ? &db : nullptr);
  });
}

namespace {

Tensor conv3d_impl(const char* op, const Tensor& x, const Tensor& w, const Tensor& b, const Conv3dParams& p) {
  const Device device = common_device(op, {x, w, b});
  check_same_dtype(op, {x, w, b});
  GRAIN_CHECK(x.dim() == 5, op << ": input must be 5-D (N,T,H,W,C), got " << x.shape());
  GRAIN_CHECK(w.dim() == 5, op << ": weight must be 5-D (Cout,kT,kH,kW,Cin), got " << w.shape());
  GRAIN_CHECK(w.size(4) == x.size(4), op << ": weight " << w.shape() << " expects " << w.size(4)
                                         << " input channels, input " << x.shape() << " has " << x.size(4));
  GRAIN_CHECK(!b.defined() || (b.dim() == 1 && b.size(0) == w.size(0)),
              op << ": bias must be [" << w.size(0) << "], got " << b.shape());
  const kernels::ConvGeometry g = geometry(op, x.shape(), w.shape(), p);
  check_backend_dtypes(op, device, {x, w, b});
  Tensor y = Tensor::empty({x.size(0), g.out_d, g.out_h, g.out_w, w.size(0)}, x.dtype(), device);
  GRAIN_DISPATCH(device, op, conv_forward, x, w, b, g, p, y);
  record(op, {x, w, b}, y, [x, w, g, p, op](const Tensor& dy, const std::vector<bool>& need) {
    Tensor dx, dw, db;
    if (need[0]) dx = Tensor::empty(x.shape(), dy.dtype(), dy.device());
    if (need[1]) dw = Tensor::empty(w.shape(), dy.dtype(), dy.device());
    if (need[2]) db = Tensor::empty({w.size(0)}, dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), op, conv_backward, x, w, dy, g, p, dx, dw, db);
    return std::vector<Tensor>{dx, dw, db};
  });
  return y;
}

}  // namespace

Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor& b, const Conv3dParams& params) {
  return conv3d_impl("conv3d", x, w, b, params);
}

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& params) {
  GRAIN_CHECK(x.dim() == 4, "conv2d: input must be 4-D (N,H,W,C), got " << x.shape());
  GRAIN_CHECK(w.dim() == 4, "conv2d: weight must be 4-D (Cout,kH,kW,Cin), got " << w.shape());
  // A depth-1 volume: the reshapes are views, and autograd flows through them.
  const Conv3dParams p3{{1, params.stride[0], params.stride[1]},
                        {0, params.padding[0], params.padding[1]},
                        {1, params.dilation[0], params.dilation[1]}};
  const Tensor x5 = reshape(x, {x.size(0), 1, x.size(1), x.size(2), x.size(3)});
  const Tensor w5 = reshape(w, {w.size(0), 1, w.size(1), w.size(2), w.size(3)});
  const Tensor y = conv3d_impl("conv2d", x5, w5, b, p3);
  return reshape(y, {y.size(0), y.size(2), y.size(3), y.size(4)});
}

}  // namespace grain
