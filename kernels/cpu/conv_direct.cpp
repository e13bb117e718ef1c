// defines: direct_conv_supports, direct_conv_forward, direct_conv_backward_data,
// direct_conv_backward_filter (see conv_direct.h)
//
// The shape work (padding, repacking the weights, cutting the work into
// planes and chunks, adding the partial filter gradients) lives here, in the
// baseline instruction set; the register-tiled loops live in the tables of
// conv_direct_isa.h.
#include "kernels/cpu/conv_direct.h"

#include <cstring>
#include <vector>

#include "kernels/cpu/conv_direct_isa.h"

namespace grain::kernels {

namespace {

const DirectConvIsa& table(CpuIsa isa) {
  switch (isa) {
#if defined(__x86_64__) || defined(__i386__)  // the AVX tables are built on x86-64 only (kernels/CMakeLists.txt)
    case CpuIsa::kAvx512: return kDirectConvAvx512;
    case CpuIsa::kAvx2: return kDirectConvAvx2;
#else
    case CpuIsa::kAvx512:
    case CpuIsa::kAvx2:
#endif
    case CpuIsa::kGeneric: break;
  }
  return kDirectConvGeneric;
}

// Buffers of the calling thread that only grow, as conv.cpp's lowered
// matrices: allocating them per call would fault their pages in every time.
std::vector<float>& buffer(int slot, size_t elements) {
  thread_local std::vector<float> buffers[3];
  if (buffers[slot].size() < elements) buffers[slot].resize(elements);
  return buffers[slot];
}

// A volume (N, D, H, W, C) with zeros around it: the padded extents.
struct PaddedVolume {
  int64_t d, h, w, c;
  int64_t plane() const { return h * w * c; }
  int64_t sample() const { return d * plane(); }
};

// Copies src (n, d, h, w, c) into dst, padded by (pd, ph, pw) on both sides.
void pad_volume(const float* src, int64_t n, int64_t d, int64_t h, int64_t w, int64_t pd, int64_t ph, int64_t pw,
                const PaddedVolume& v, float* dst) {
  const int64_t row = v.w * v.c, rows = n * v.d * v.h;
#pragma omp parallel for schedule(static) if (rows * row > 65536)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t hp = r % v.h, dp = (r / v.h) % v.d, s = r / (v.h * v.d);
    const int64_t id = dp - pd, ih = hp - ph;
    float* out = dst + r * row;
    if (id < 0 || id >= d || ih < 0 || ih >= h) {
      std::memset(out, 0, sizeof(float) * row);
      continue;
    }
    std::memset(out, 0, sizeof(float) * pw * v.c);
    std::memcpy(out + pw * v.c, src + ((s * d + id) * h + ih) * w * v.c, sizeof(float) * w * v.c);
    std::memset(out + (pw + w) * v.c, 0, sizeof(float) * pw * v.c);
  }
}

PaddedVolume padded_input(const ConvGeometry& g) {
  return {g.in_d + 2 * g.pad_d, g.in_h + 2 * g.pad_h, g.in_w + 2 * g.pad_w, g.in_c};
}

// x padded into buffer `slot`.
const float* pad_input(const float* x, int64_t n, const ConvGeometry& g, int slot) {
  const PaddedVolume v = padded_input(g);
  std::vector<float>& buf = buffer(slot, static_cast<size_t>(n * v.sample()));
  pad_volume(x, n, g.in_d, g.in_h, g.in_w, g.pad_d, g.pad_h, g.pad_w, v, buf.data());
  return buf.data();
}

// A forward-shaped pass in parallel; each output value is computed by one
// thread in one order, the same whatever the tile. Rows of at least 8
// positions are cut into segments (ForwardPlane); shorter rows (planes of
// 7 x 7 and smaller: the encoder's conv4-conv6) would leave most of a tile
// empty, so there tiles take positions across rows (ForwardRange).
void run_forward(const DirectConvIsa& t, const ForwardPlane& a, const float* x, const PaddedVolume& v, int64_t n,
                 int64_t out_d, float* y) {
  const int64_t out_plane = a.out_h * a.out_w * a.cout;
  if (a.out_w < 8) {
    // Chunks of positions: a multiple of every tile width (3, 6, 12, 24), and
    // small, so that conv6's 64 positions still make work for several threads.
    constexpr int64_t kChunk = 24;
    const int64_t positions = n * out_d * a.out_h * a.out_w, chunks = (positions + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(dynamic)
    for (int64_t i = 0; i < chunks; ++i) {
      const int64_t end = (i + 1) * kChunk < positions ? (i + 1) * kChunk : positions;
      const ForwardRange r{x, v.sample(), v.plane(), v.w, v.c, a.k_d, a.k_h, a.k_w, a.w, a.bias, y,
                           out_d, a.out_h, a.out_w, a.cout, i * kChunk, end};
      t.forward_range(r);
    }
    return;
  }
  const int64_t planes = n * out_d;
#pragma omp parallel for schedule(dynamic)
  for (int64_t p = 0; p < planes; ++p) {
    ForwardPlane job = a;
    job.x = x + ((p / out_d) * v.d + p % out_d) * v.plane();
    job.y = y + p * out_plane;
    t.forward_plane(job);
  }
}

// The filter gradient is summed over this many fixed chunks of output planes
// (fewer when there are fewer planes), whatever the thread count.
constexpr int64_t kFilterChunks = 16;

}  // namespace

bool direct_conv_supports(const ConvGeometry& g, int64_t cout, DirectConvPass pass) {
  const bool unit = g.stride_d == 1 && g.stride_h == 1 && g.stride_w == 1 && g.dil_d == 1 && g.dil_h == 1 &&
                    g.dil_w == 1;
  if (!unit) return false;
  if (pass != DirectConvPass::kBackwardData) return cout % 8 == 0;
  return g.in_c % 8 == 0 && g.pad_d <= g.k_d - 1 && g.pad_h <= g.k_h - 1 && g.pad_w <= g.k_w - 1;
}

void direct_conv_forward(const float* x, int64_t n, const ConvGeometry& g, const float* w, int64_t cout,
                         const float* bias, float* y, CpuIsa isa) {
  const PaddedVolume v = padded_input(g);
  const float* xp = pad_input(x, n, g, 0);
  // wr[q][o] = w[o][q], q = (kd, kh, kw, ci): Cout contiguous for the vector loads.
  const int64_t patch = g.patch();
  std::vector<float>& wr = buffer(1, static_cast<size_t>(patch * cout));
  float* wrp = wr.data();
#pragma omp parallel for schedule(static) if (patch * cout > 32768)
  for (int64_t q = 0; q < patch; ++q)
    for (int64_t o = 0; o < cout; ++o) wrp[q * cout + o] = w[o * patch + q];
  const ForwardPlane a{nullptr, v.plane(), v.w, v.c, g.k_d, g.k_h, g.k_w, wrp, bias, nullptr,
                       g.out_h, g.out_w, cout};
  run_forward(table(isa), a, xp, v, n, g.out_d, y);
}

void direct_conv_backward_data(const float* dy, int64_t n, const ConvGeometry& g, const float* w, int64_t cout,
                               float* dx, CpuIsa isa) {
  // dx is the stride-1 convolution of dy, padded by kernel - 1 - padding, with
  // the kernel flipped on every axis and its channel roles swapped.
  const int64_t qd = g.k_d - 1 - g.pad_d, qh = g.k_h - 1 - g.pad_h, qw = g.k_w - 1 - g.pad_w;
  const PaddedVolume v{g.out_d + 2 * qd, g.out_h + 2 * qh, g.out_w + 2 * qw, cout};
  std::vector<float>& dyp = buffer(0, static_cast<size_t>(n * v.sample()));
  pad_volume(dy, n, g.out_d, g.out_h, g.out_w, qd, qh, qw, v, dyp.data());
  // wr[(kd', kh', kw', o)][ci] = w[o][kD-1-kd'][kH-1-kh'][kW-1-kw'][ci].
  const int64_t cin = g.in_c, taps = g.k_d * g.k_h * g.k_w, patch = g.patch();
  std::vector<float>& wr = buffer(1, static_cast<size_t>(taps * cout * cin));
  float* wrp = wr.data();
#pragma omp parallel for schedule(static) if (taps * cout * cin > 32768)
  for (int64_t tap = 0; tap < taps; ++tap) {
    const int64_t kd = tap / (g.k_h * g.k_w), kh = tap / g.k_w % g.k_h, kw = tap % g.k_w;
    const int64_t flipped = ((g.k_d - 1 - kd) * g.k_h + (g.k_h - 1 - kh)) * g.k_w + (g.k_w - 1 - kw);
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t ci = 0; ci < cin; ++ci) wrp[(tap * cout + o) * cin + ci] = w[o * patch + flipped * cin + ci];
  }
  const ForwardPlane a{nullptr, v.plane(), v.w, v.c, g.k_d, g.k_h, g.k_w, wrp, nullptr, nullptr,
                       g.in_h, g.in_w, cin};
  run_forward(table(isa), a, dyp.data(), v, n, g.in_d, dx);
}

void direct_conv_backward_filter(const float* x, const float* dy, int64_t n, const ConvGeometry& g, int64_t cout,
                                 float* dw, float* db, CpuIsa isa) {
  const DirectConvIsa& t = table(isa);
  const PaddedVolume v = padded_input(g);
  const float* xp = pad_input(x, n, g, 0);
  const int64_t patch = g.patch(), planes = n * g.out_d, out_plane = g.out_h * g.out_w * cout;
  const int64_t chunks = planes < kFilterChunks ? planes : kFilterChunks;
  std::vector<float>& partials = buffer(2, static_cast<size_t>(chunks * patch * cout));  // [c][q][o]
  // The bias gradient in float64: before a batch norm it is zero in exact
  // arithmetic, so what is computed is rounding noise, which optimisers such
  // as Adam amplify; float64 keeps that noise, and its dependence on how the
  // batch is split (data-parallel training), small.
  std::vector<double> db_partials(db ? static_cast<size_t>(chunks * cout) : 0);
#pragma omp parallel for schedule(dynamic)
  for (int64_t c = 0; c < chunks; ++c) {
    float* partial = partials.data() + c * patch * cout;
    std::memset(partial, 0, sizeof(float) * patch * cout);
    for (int64_t p = c * planes / chunks; p < (c + 1) * planes / chunks; ++p) {
      const FilterPlane a{xp + ((p / g.out_d) * v.d + p % g.out_d) * v.plane(),
                          v.plane(), v.w, v.c, g.k_d, g.k_h, g.k_w,
                          dy + p * out_plane, g.out_h, g.out_w, cout, partial};
      t.filter_plane(a);
      if (db) {
        double* sums = db_partials.data() + c * cout;
        const float* d = dy + p * out_plane;
        for (int64_t q = 0; q < out_plane; q += cout)
          for (int64_t o = 0; o < cout; ++o) sums[o] += d[q + o];
      }
    }
  }
  // dw[o][q] = sum over chunks in order of partial[c][q][o].
#pragma omp parallel for schedule(static) if (patch * cout * chunks > 65536)
  for (int64_t q = 0; q < patch; ++q)
    for (int64_t o = 0; o < cout; ++o) {
      float sum = 0;
      for (int64_t c = 0; c < chunks; ++c) sum += partials[(c * patch + q) * cout + o];
      dw[o * patch + q] = sum;
    }
  if (db) {
    for (int64_t o = 0; o < cout; ++o) {
      double sum = 0;
      for (int64_t c = 0; c < chunks; ++c) sum += db_partials[c * cout + o];
      db[o] = static_cast<float>(sum);
    }
  }
}

}  // namespace grain::kernels
