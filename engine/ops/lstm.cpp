// defines: lstm, lstm_forward_cpu, lstm_backward_cpu (see lstm.h)
//
// CPU: per layer and direction, the input projection of all T steps is one
// GEMM ([N T, in] x [in, 4H]); the recurrence is one small GEMM per step. The
// forward keeps, per step, the activated gates and the previous states; the
// backward walks the steps in reverse, then does the input-side weight
// gradient and the input gradient as one GEMM each.
#include "engine/ops/lstm.h"

#include <cmath>
#include <cstring>
#include <utility>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/gemm.h"

namespace grain {

namespace {

template <typename T>
T sigmoid(T v) { return T(1) / (T(1) + std::exp(-v)); }

template <typename T>
void forward_cpu(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& w,
                 const LstmParams& p, const LstmOutput& out, LstmSaved& saved) {
  const int64_t n = x.size(0), steps = x.size(1), hid = p.hidden, dirs = p.directions(), g4 = 4 * hid;
  Tensor layer_input = x;
  for (int64_t l = 0; l < p.layers; ++l) {
    const int64_t in = layer_input.size(2);
    saved.layer_inputs.push_back(layer_input);
    // The last layer writes the op's output.
    Tensor layer_out = l == p.layers - 1 ? out.output : Tensor::empty({n, steps, dirs * hid}, x.dtype());
    for (int64_t d = 0; d < dirs; ++d) {
      const int64_t k = l * dirs + d;
      const T* w_ih = w[4 * k].data<T>();
      const T* w_hh = w[4 * k + 1].data<T>();
      const T* b_ih = w[4 * k + 2].data<T>();
      const T* b_hh = w[4 * k + 3].data<T>();
      // Input projection of every step, biases folded in: xg [N T, 4H].
      std::vector<T> xg(static_cast<size_t>(n * steps * g4));
      for (int64_t r = 0; r < n * steps; ++r)
        for (int64_t j = 0; j < g4; ++j) xg[r * g4 + j] = b_ih[j] + b_hh[j];
      kernels::gemm(false, true, n * steps, g4, in, T(1), layer_input.data<T>(), in, w_ih, in, T(1), xg.data(), g4);

      Tensor gates = Tensor::empty({steps, n, g4}, x.dtype()), cells = Tensor::empty({steps, n, hid}, x.dtype());
      Tensor hp = Tensor::empty({steps, n, hid}, x.dtype()), cp = Tensor::empty({steps, n, hid}, x.dtype());
      std::vector<T> h(n * hid, T(0)), c(n * hid, T(0)), pre(n * g4);
      if (h0.defined()) std::memcpy(h.data(), h0.data<T>() + k * n * hid, sizeof(T) * n * hid);
      if (c0.defined()) std::memcpy(c.data(), c0.data<T>() + k * n * hid, sizeof(T) * n * hid);
      T* out_p = layer_out.data<T>();
      for (int64_t s = 0; s < steps; ++s) {
        const int64_t t = d == 0 ? s : steps - 1 - s;
        std::memcpy(hp.data<T>() + t * n * hid, h.data(), sizeof(T) * n * hid);
        std::memcpy(cp.data<T>() + t * n * hid, c.data(), sizeof(T) * n * hid);
        for (int64_t b = 0; b < n; ++b)
          std::memcpy(pre.data() + b * g4, xg.data() + (b * steps + t) * g4, sizeof(T) * g4);
        kernels::gemm(false, true, n, g4, hid, T(1), h.data(), hid, w_hh, hid, T(1), pre.data(), g4);
        T* gt = gates.data<T>() + t * n * g4;
        T* ct = cells.data<T>() + t * n * hid;
        for (int64_t b = 0; b < n; ++b) {
          for (int64_t j = 0; j < hid; ++j) {
            const T* q = pre.data() + b * g4;
            const T i = sigmoid(q[j]), f = sigmoid(q[hid + j]), g = std::tanh(q[2 * hid + j]),
                    o = sigmoid(q[3 * hid + j]);
            T* gg = gt + b * g4;
            gg[j] = i, gg[hid + j] = f, gg[2 * hid + j] = g, gg[3 * hid + j] = o;
            const T cv = f * c[b * hid + j] + i * g;
            c[b * hid + j] = cv;
            ct[b * hid + j] = cv;
            h[b * hid + j] = o * std::tanh(cv);
            out_p[(b * steps + t) * dirs * hid + d * hid + j] = h[b * hid + j];
          }
        }
      }
      std::memcpy(out.h_n.data<T>() + k * n * hid, h.data(), sizeof(T) * n * hid);
      std::memcpy(out.c_n.data<T>() + k * n * hid, c.data(), sizeof(T) * n * hid);
      saved.gates.push_back(gates);
      saved.cells.push_back(cells);
      saved.h_prev.push_back(hp);
      saved.c_prev.push_back(cp);
    }
    layer_input = layer_out;
  }
}

// grads: [dx, dh0, dc0, weights...] as in the inputs of the node.
template <typename T>
std::vector<Tensor> backward_cpu(const std::vector<Tensor>& w, const LstmParams& p, const LstmSaved& saved,
                                 const Tensor& d_output, const Tensor& d_hn, const Tensor& d_cn,
                                 const std::vector<bool>& need) {
  const Tensor& x = saved.layer_inputs[0];
  const int64_t n = x.size(0), steps = x.size(1), hid = p.hidden, dirs = p.directions(), g4 = 4 * hid;
  std::vector<Tensor> grads(3 + w.size());
  Tensor dh0 = Tensor::zeros({p.layers * dirs, n, hid}, x.dtype());
  Tensor dc0 = Tensor::zeros({p.layers * dirs, n, hid}, x.dtype());
  Tensor d_layer_out = d_output;
  for (int64_t l = p.layers - 1; l >= 0; --l) {
    const Tensor& layer_input = saved.layer_inputs[l];
    const int64_t in = layer_input.size(2);
    Tensor d_layer_in = Tensor::zeros(layer_input.shape(), x.dtype());
    for (int64_t d = 0; d < dirs; ++d) {
      const int64_t k = l * dirs + d;
      const T* w_ih = w[4 * k].data<T>();
      const T* w_hh = w[4 * k + 1].data<T>();
      Tensor dw_ih = Tensor::empty(w[4 * k].shape(), x.dtype());
      Tensor dw_hh = Tensor::zeros(w[4 * k + 1].shape(), x.dtype());
      Tensor db = Tensor::zeros({g4}, x.dtype());
      std::vector<T> dh(n * hid), dh_next(d_hn.data<T>() + k * n * hid, d_hn.data<T>() + (k + 1) * n * hid),
          dc_next(d_cn.data<T>() + k * n * hid, d_cn.data<T>() + (k + 1) * n * hid);
      std::vector<T> dgates(static_cast<size_t>(n * steps * g4));  // [N, T, 4H], rows match layer_input
      const T* dy = d_layer_out.data<T>();
      for (int64_t s = steps - 1; s >= 0; --s) {
        const int64_t t = d == 0 ? s : steps - 1 - s;
        const T* gt = saved.gates[k].data<T>() + t * n * g4;
        const T* ct = saved.cells[k].data<T>() + t * n * hid;
        const T* cpt = saved.c_prev[k].data<T>() + t * n * hid;
        for (int64_t b = 0; b < n; ++b) {
          T* dg = dgates.data() + (b * steps + t) * g4;
          for (int64_t j = 0; j < hid; ++j) {
            const T* gg = gt + b * g4;
            const T i = gg[j], f = gg[hid + j], g = gg[2 * hid + j], o = gg[3 * hid + j];
            const T dhv = dy[(b * steps + t) * dirs * hid + d * hid + j] + dh_next[b * hid + j];
            const T tc = std::tanh(ct[b * hid + j]);
            const T dc = dhv * o * (T(1) - tc * tc) + dc_next[b * hid + j];
            dg[j] = dc * g * i * (T(1) - i);
            dg[hid + j] = dc * cpt[b * hid + j] * f * (T(1) - f);
            dg[2 * hid + j] = dc * i * (T(1) - g * g);
            dg[3 * hid + j] = dhv * tc * o * (T(1) - o);
            dc_next[b * hid + j] = dc * f;
          }
        }
        // Gather this step's gate gradients [N, 4H] (rows strided by T in dgates).
        const T* dg_t = dgates.data() + t * g4;
        kernels::gemm(false, false, n, hid, g4, T(1), dg_t, steps * g4, w_hh, hid, T(0), dh_next.data(), hid);
        kernels::gemm(true, false, g4, hid, n, T(1), dg_t, steps * g4, saved.h_prev[k].data<T>() + t * n * hid, hid,
                      T(1), dw_hh.data<T>(), hid);
      }
      std::memcpy(dh0.data<T>() + k * n * hid, dh_next.data(), sizeof(T) * n * hid);
      std::memcpy(dc0.data<T>() + k * n * hid, dc_next.data(), sizeof(T) * n * hid);
      kernels::gemm(true, false, g4, in, n * steps, T(1), dgates.data(), g4, layer_input.data<T>(), in, T(0),
                    dw_ih.data<T>(), in);
      T* dbp = db.data<T>();
      for (int64_t r = 0; r < n * steps; ++r)
        for (int64_t j = 0; j < g4; ++j) dbp[j] += dgates[r * g4 + j];
      kernels::gemm(false, false, n * steps, in, g4, T(1), dgates.data(), g4, w_ih, in, T(1), d_layer_in.data<T>(), in);
      grads[3 + 4 * k] = dw_ih;
      grads[3 + 4 * k + 1] = dw_hh;
      grads[3 + 4 * k + 2] = db;
      grads[3 + 4 * k + 3] = db.clone();
    }
    d_layer_out = d_layer_in;
  }
  if (need[0]) grads[0] = d_layer_out;
  if (need[1]) grads[1] = dh0;
  if (need[2]) grads[2] = dc0;
  return grads;
}

}  // namespace

void lstm_forward_cpu(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& weights,
                      const LstmParams& params, bool, const LstmOutput& out, LstmSaved& saved) {
  dispatch_floating(x.dtype(), "lstm", [&]<typename T>() { forward_cpu<T>(x, h0, c0, weights, params, out, saved); });
}

void lstm_backward_cpu(const std::vector<Tensor>& weights, const LstmParams& params, const LstmSaved& saved,
                       const Tensor& d_output, const Tensor& d_hn, const Tensor& d_cn, const std::vector<bool>& need,
                       std::vector<Tensor>& grads) {
  grads = dispatch_floating(d_output.dtype(), "lstm backward", [&]<typename T>() {
    return backward_cpu<T>(weights, params, saved, d_output, d_hn, d_cn, need);
  });
}

LstmOutput lstm(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& weights,
                const LstmParams& p) {
  std::vector<Tensor> inputs{x, h0, c0};
  inputs.insert(inputs.end(), weights.begin(), weights.end());
  const Device device = common_device("lstm", inputs);
  check_same_dtype("lstm", inputs);
  GRAIN_CHECK(x.dim() == 3, "lstm: input must be [N, T, I], got " << x.shape());
  GRAIN_CHECK(p.layers >= 1 && p.hidden >= 1, "lstm: layers and hidden must be >= 1, got " << p.layers << " and "
                                                                                          << p.hidden);
  const int64_t n = x.size(0), steps = x.size(1), hid = p.hidden, dirs = p.directions();
  GRAIN_CHECK(static_cast<int64_t>(weights.size()) == 4 * p.layers * dirs,
              "lstm: expected " << 4 * p.layers * dirs << " weight tensors (w_ih, w_hh, b_ih, b_hh per layer and "
                                << "direction), got " << weights.size());
  for (int64_t l = 0; l < p.layers; ++l)
    for (int64_t d = 0; d < dirs; ++d) {
      const int64_t k = l * dirs + d, in = l == 0 ? x.size(2) : dirs * hid;
      const Shape expected[4] = {{4 * hid, in}, {4 * hid, hid}, {4 * hid}, {4 * hid}};
      const char* names[4] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
      for (int j = 0; j < 4; ++j)
        GRAIN_CHECK(weights[4 * k + j].shape() == expected[j],
                    "lstm: " << names[j] << "_l" << l << (d ? "_reverse" : "") << " must be " << expected[j]
                             << ", got " << weights[4 * k + j].shape());
    }
  for (const Tensor* s : {&h0, &c0})
    GRAIN_CHECK(!s->defined() || s->shape() == (Shape{p.layers * dirs, n, hid}),
                "lstm: initial states must be [" << p.layers * dirs << "," << n << "," << hid << "], got "
                                                 << s->shape());
  check_backend_dtypes("lstm", device, inputs);

  LstmOutput out;
  out.output = Tensor::empty({n, steps, dirs * hid}, x.dtype(), device);
  out.h_n = Tensor::empty({p.layers * dirs, n, hid}, x.dtype(), device);
  out.c_n = Tensor::empty({p.layers * dirs, n, hid}, x.dtype(), device);
  LstmSaved saved;
  const bool keep_for_backward = needs_graph(inputs);
  GRAIN_DISPATCH(device, "lstm", lstm_forward, x, h0, c0, weights, p, keep_for_backward, out, saved);

  std::vector<Tensor> outputs{out.output, out.h_n, out.c_n};
  record("lstm", inputs, outputs,
         [saved = std::move(saved), weights, p](const std::vector<Tensor>& dy, const std::vector<bool>& need) {
           std::vector<Tensor> grads(3 + weights.size());
           GRAIN_DISPATCH(dy[0].device(), "lstm backward", lstm_backward, weights, p, saved, dy[0], dy[1], dy[2],
                          need, grads);
           return grads;
         });
  out.output = outputs[0];
  out.h_n = outputs[1];
  out.c_n = outputs[2];
  return out;
}

}  // namespace grain
