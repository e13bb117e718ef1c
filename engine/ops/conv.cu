// defines: conv_forward_cuda, conv_backward_cuda, conv_run_direction (see conv.h) — cuDNN
//
// Activations stay channels-last: cuDNN is told the tensors are NDHWC and the
// filters NDHWC (Cout, kT, kH, kW, Cin), which is how the engine stores them,
// so nothing is transposed. For each shape and direction the algorithm is
// chosen once by measurement (cudnnFind*) and cached; the choice honours the
// process switches: deterministic() keeps only algorithms cuDNN flags
// deterministic, and with tf32() off only FMA (exact float32) math is allowed.
// The workspace comes from the device context's arena.
#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/cuda/cudnn_descriptors.h"
#include "engine/cuda/op_support.h"
#include "engine/error.h"
#include "engine/ops/conv.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/reduce.h"

namespace grain {

namespace {

using cuda::ConvolutionDescriptor;
using cuda::FilterDescriptor;
using cuda::TensorDescriptor;

struct ConvDescriptors {
  TensorDescriptor x, y;
  FilterDescriptor w;
  ConvolutionDescriptor conv;
};

int to_int(int64_t v, const char* what) {
  GRAIN_CHECK(v >= 0 && v <= INT32_MAX, "conv (cuDNN): " << what << " " << v << " exceeds 32 bits");
  return static_cast<int>(v);
}

void set_ndhwc(cudnnTensorDescriptor_t d, const Shape& s /* N,T,H,W,C */) {
  const int dims[5] = {to_int(s[0], "N"), to_int(s[4], "C"), to_int(s[1], "T"), to_int(s[2], "H"), to_int(s[3], "W")};
  GRAIN_CUDNN_CHECK(cudnnSetTensorNdDescriptorEx(d, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, 5, dims));
}

void describe(ConvDescriptors& d, const Shape& x, const Shape& w, const Shape& y, const Conv3dParams& p) {
  set_ndhwc(d.x, x);
  set_ndhwc(d.y, y);
  const int filter[5] = {to_int(w[0], "Cout"), to_int(w[4], "Cin"), to_int(w[1], "kT"), to_int(w[2], "kH"),
                         to_int(w[3], "kW")};
  GRAIN_CUDNN_CHECK(cudnnSetFilterNdDescriptor(d.w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NHWC, 5, filter));
  int pad[3], stride[3], dilation[3];
  for (int i = 0; i < 3; ++i) {
    pad[i] = to_int(p.padding[i], "padding");
    stride[i] = to_int(p.stride[i], "stride");
    dilation[i] = to_int(p.dilation[i], "dilation");
  }
  GRAIN_CUDNN_CHECK(
      cudnnSetConvolutionNdDescriptor(d.conv, 3, pad, stride, dilation, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  // FMA math excludes tensor cores: exact float32 when TF32 is off.
  GRAIN_CUDNN_CHECK(cudnnSetConvolutionMathType(d.conv, cuda::tf32() ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
}

std::string shape_key(ConvDirection dir, int device, const Shape& x, const Shape& w, const Conv3dParams& p) {
  std::ostringstream k;
  k << static_cast<int>(dir) << '|' << device << '|' << x << '|' << w;
  for (int i = 0; i < 3; ++i) k << '|' << p.stride[i] << ',' << p.padding[i] << ',' << p.dilation[i];
  k << '|' << cuda::tf32() << cuda::deterministic();
  return k.str();
}

struct CachedChoice {
  int algorithm = 0;
  cudnnMathType_t math = CUDNN_FMA_MATH;
  ConvAlgoChoice report;
};

std::mutex g_cache_mutex;
std::map<std::string, CachedChoice> g_cache;

const char* forward_name(int a) {
  static const char* names[] = {"IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM", "GEMM", "DIRECT",
                                "FFT",           "FFT_TILING",            "WINOGRAD", "WINOGRAD_NONFUSED"};
  return a >= 0 && a < 8 ? names[a] : "?";
}
const char* data_name(int a) {
  static const char* names[] = {"ALGO_0", "ALGO_1", "FFT", "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
  return a >= 0 && a < 6 ? names[a] : "?";
}
const char* filter_name(int a) {
  static const char* names[] = {"ALGO_0", "ALGO_1", "FFT", "ALGO_3", "WINOGRAD", "WINOGRAD_NONFUSED", "FFT_TILING"};
  return a >= 0 && a < 7 ? names[a] : "?";
}

// Picks the fastest result that satisfies the switches.
template <typename Perf>
CachedChoice pick(const Perf* results, int count, ConvDirection dir, const std::string& what) {
  const bool need_deterministic = cuda::deterministic(), allow_tensor_ops = cuda::tf32();
  for (int i = 0; i < count; ++i) {
    const Perf& r = results[i];
    if (r.status != CUDNN_STATUS_SUCCESS) continue;
    if (need_deterministic && r.determinism != CUDNN_DETERMINISTIC) continue;
    const bool tensor_ops = r.mathType == CUDNN_TENSOR_OP_MATH || r.mathType == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
    if (!allow_tensor_ops && tensor_ops) continue;
    CachedChoice c;
    c.algorithm = static_cast<int>(r.algo);
    c.math = r.mathType;
    c.report.algorithm = dir == ConvDirection::kForward        ? forward_name(c.algorithm)
                         : dir == ConvDirection::kBackwardData ? data_name(c.algorithm)
                                                               : filter_name(c.algorithm);
    c.report.workspace_bytes = r.memory;
    c.report.tensor_ops = tensor_ops;
    c.report.find_ms = r.time;
    return c;
  }
  GRAIN_THROW(what << ": cuDNN offers no algorithm for this shape under the current switches (deterministic="
                   << need_deterministic << ", tf32=" << allow_tensor_ops << ")");
}

CachedChoice choose(ConvDirection dir, int device, ConvDescriptors& d, const Shape& x, const Shape& w,
                    const Conv3dParams& p) {
  const std::string key = shape_key(dir, device, x, w, p);
  {
    std::lock_guard<std::mutex> lock(g_cache_mutex);
    auto it = g_cache.find(key);
    if (it != g_cache.end()) return it->second;
  }
  cudnnHandle_t h = cuda::context(device).cudnn();
  constexpr int kMax = 16;
  int found = 0;
  CachedChoice c;
  // cudnnFind* times every algorithm once on scratch buffers it allocates
  // itself; it runs once per shape, outside the steady-state training loop.
  if (dir == ConvDirection::kForward) {
    cudnnConvolutionFwdAlgoPerf_t r[kMax];
    GRAIN_CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithm(h, d.x, d.w, d.conv, d.y, kMax, &found, r));
    c = pick(r, found, dir, "conv forward");
  } else if (dir == ConvDirection::kBackwardData) {
    cudnnConvolutionBwdDataAlgoPerf_t r[kMax];
    GRAIN_CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithm(h, d.w, d.y, d.conv, d.x, kMax, &found, r));
    c = pick(r, found, dir, "conv backward-data");
  } else {
    cudnnConvolutionBwdFilterAlgoPerf_t r[kMax];
    GRAIN_CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithm(h, d.x, d.y, d.conv, d.w, kMax, &found, r));
    c = pick(r, found, dir, "conv backward-filter");
  }
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  g_cache.emplace(key, c);
  return c;
}

// One direction on raw device pointers; x, w, y are the shapes' buffers (dx,
// dw, dy for the backward directions).
ConvAlgoChoice run(ConvDirection dir, int device, const Shape& xs, const Shape& ws, const Shape& ys,
                   const Conv3dParams& p, float* x, float* w, float* y) {
  ConvDescriptors d;
  describe(d, xs, ws, ys, p);
  const CachedChoice c = choose(dir, device, d, xs, ws, p);
  GRAIN_CUDNN_CHECK(cudnnSetConvolutionMathType(d.conv, c.math));
  cuda::Context& ctx = cuda::context(device);
  cudnnHandle_t h = ctx.cudnn();
  const float one = 1.f, zero = 0.f;
  size_t bytes = 0;
  if (dir == ConvDirection::kForward) {
    const auto algo = static_cast<cudnnConvolutionFwdAlgo_t>(c.algorithm);
    GRAIN_CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.conv, d.y, algo, &bytes));
    void* ws_ptr = bytes ? ctx.workspace(bytes) : nullptr;
    GRAIN_CUDNN_CHECK(cudnnConvolutionForward(h, &one, d.x, x, d.w, w, d.conv, algo, ws_ptr, bytes, &zero, d.y, y));
  } else if (dir == ConvDirection::kBackwardData) {
    const auto algo = static_cast<cudnnConvolutionBwdDataAlgo_t>(c.algorithm);
    GRAIN_CUDNN_CHECK(cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y, d.conv, d.x, algo, &bytes));
    void* ws_ptr = bytes ? ctx.workspace(bytes) : nullptr;
    GRAIN_CUDNN_CHECK(
        cudnnConvolutionBackwardData(h, &one, d.w, w, d.y, y, d.conv, algo, ws_ptr, bytes, &zero, d.x, x));
  } else {
    const auto algo = static_cast<cudnnConvolutionBwdFilterAlgo_t>(c.algorithm);
    GRAIN_CUDNN_CHECK(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.conv, d.w, algo, &bytes));
    void* ws_ptr = bytes ? ctx.workspace(bytes) : nullptr;
    GRAIN_CUDNN_CHECK(
        cudnnConvolutionBackwardFilter(h, &one, d.x, x, d.y, y, d.conv, algo, ws_ptr, bytes, &zero, d.w, w));
  }
  ConvAlgoChoice report = c.report;
  report.workspace_bytes = bytes;
  return report;
}

}  // namespace

ConvAlgoChoice conv_run_direction(ConvDirection direction, const Tensor& x, const Tensor& w, const Tensor& y,
                                  const Conv3dParams& params) {
  cuda::require_float32("conv", {x, w, y});
  return run(direction, x.device().index, x.shape(), w.shape(), y.shape(), params, cuda::f32(x), cuda::f32(w),
             cuda::f32(y));
}

void conv_forward_cuda(const Tensor& x, const Tensor& w, const Tensor& b, const kernels::ConvGeometry&,
                       const Conv3dParams& params, const Tensor& y) {
  const int device = x.device().index;
  run(ConvDirection::kForward, device, x.shape(), w.shape(), y.shape(), params, cuda::f32(x), cuda::f32(w),
      cuda::f32(y));
  const int64_t cout = w.size(0);
  if (b.defined())
    kernels::cuda::bias_add(cuda::f32(y), cuda::f32(b), cuda::f32(y), y.numel() / cout, cout,
                            cuda::context(device).stream());
}

void conv_backward_cuda(const Tensor& x, const Tensor& w, const Tensor& dy, const kernels::ConvGeometry&,
                        const Conv3dParams& params, const Tensor& dx, const Tensor& dw, const Tensor& db) {
  const int device = dy.device().index;
  if (dx.defined())
    run(ConvDirection::kBackwardData, device, x.shape(), w.shape(), dy.shape(), params, cuda::f32(dx), cuda::f32(w),
        cuda::f32(dy));
  if (dw.defined())
    run(ConvDirection::kBackwardFilter, device, x.shape(), w.shape(), dy.shape(), params, cuda::f32(x), cuda::f32(dw),
        cuda::f32(dy));
  if (db.defined()) {
    const int64_t cout = w.size(0);
    cuda::column_sum(dy, dy.numel() / cout, cout, db);
  }
}

}  // namespace grain
