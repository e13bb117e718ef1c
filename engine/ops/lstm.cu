// defines: LstmCudnnState, lstm_forward_cuda, lstm_backward_cuda (see lstm.h) — cuDNN 9's RNN API
//
// Layout: batch-major unpacked RNN data ([N, T, I] in, [N, T, D H] out) is
// the engine's batch-first layout, so x and y are used in place. States are
// [L D, N, H] in both. cuDNN keeps its weights in one opaque "weight space";
// cudnnGetRNNWeightParams gives, per pseudo-layer (layer l, direction d ->
// l D + d) and linear-layer id (0-3: input matrices of gates i, f, g, o;
// 4-7: the recurrent ones), the address of an [H, in] row-major block and of
// its bias — exactly PyTorch's chunks of weight_ih/weight_hh/bias_ih/bias_hh
// in its (i, f, g, o) order. Each forward packs the canonical tensors into a
// fresh weight space (a device-to-device copy, small next to the LSTM) and
// the backward unpacks cuDNN's weight gradients the same way, so parameters,
// optimizers and checkpoints only ever see the canonical layout.
//
// What the backward needs (descriptors, weight space, reserve space, x, y,
// initial states) travels in LstmSaved::cudnn (lstm.h), which lstm.cpp's
// node holds.
#include <memory>
#include <vector>

#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/cuda/cudnn_descriptors.h"
#include "engine/cuda/op_support.h"
#include "engine/error.h"
#include "engine/ops/lstm.h"

namespace grain {

struct LstmCudnnState {
  int device = 0;
  int64_t n = 0, t = 0, in = 0, hid = 0, layers = 0, dirs = 1;
  cuda::RnnDescriptor rnn;
  cuda::DropoutDescriptor dropout;
  cuda::RnnDataDescriptor x_desc, y_desc;
  cuda::TensorDescriptor h_desc, c_desc;
  cuda::DeviceBuffer seq_lengths;  // int32 [N] on the device
  cuda::DeviceBuffer weight_space, reserve_space;
  size_t weight_bytes = 0, work_bytes = 0, reserve_bytes = 0;
  Tensor x, y, h0, c0;  // h0/c0 undefined = zeros
};

namespace {

void describe(LstmCudnnState& s, const LstmParams& p, bool training) {
  cudnnHandle_t handle = cuda::context(s.device).cudnn();
  // No dropout between layers: the engine applies dropout as its own op.
  GRAIN_CUDNN_CHECK(cudnnSetDropoutDescriptor(s.dropout, handle, 0.f, nullptr, 0, 0));
  GRAIN_CUDNN_CHECK(cudnnSetRNNDescriptor_v8(
      s.rnn, CUDNN_RNN_ALGO_STANDARD, CUDNN_LSTM, CUDNN_RNN_DOUBLE_BIAS,
      p.bidirectional ? CUDNN_BIDIRECTIONAL : CUDNN_UNIDIRECTIONAL, CUDNN_LINEAR_INPUT, CUDNN_DATA_FLOAT,
      CUDNN_DATA_FLOAT, cuda::tf32() ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH, static_cast<int32_t>(s.in),
      static_cast<int32_t>(s.hid), static_cast<int32_t>(s.hid), static_cast<int32_t>(s.layers), s.dropout,
      CUDNN_RNN_PADDED_IO_ENABLED));  // the unpacked (batch-major) layouts need padded I/O on
  const std::vector<int32_t> lengths(s.n, static_cast<int32_t>(s.t));
  GRAIN_CUDNN_CHECK(cudnnSetRNNDataDescriptor(s.x_desc, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_BATCH_MAJOR_UNPACKED,
                                              static_cast<int>(s.t), static_cast<int>(s.n), static_cast<int>(s.in),
                                              lengths.data(), nullptr));
  GRAIN_CUDNN_CHECK(cudnnSetRNNDataDescriptor(s.y_desc, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_BATCH_MAJOR_UNPACKED,
                                              static_cast<int>(s.t), static_cast<int>(s.n),
                                              static_cast<int>(s.dirs * s.hid), lengths.data(), nullptr));
  const int dims[3] = {static_cast<int>(s.layers * s.dirs), static_cast<int>(s.n), static_cast<int>(s.hid)};
  const int strides[3] = {static_cast<int>(s.n * s.hid), static_cast<int>(s.hid), 1};
  GRAIN_CUDNN_CHECK(cudnnSetTensorNdDescriptor(s.h_desc, CUDNN_DATA_FLOAT, 3, dims, strides));
  GRAIN_CUDNN_CHECK(cudnnSetTensorNdDescriptor(s.c_desc, CUDNN_DATA_FLOAT, 3, dims, strides));
  s.seq_lengths = cuda::DeviceBuffer(s.device, sizeof(int32_t) * s.n);
  GRAIN_CUDA_CHECK(cudaMemcpyAsync(s.seq_lengths.data(), lengths.data(), sizeof(int32_t) * s.n,
                                   cudaMemcpyHostToDevice, cuda::context(s.device).stream()));
  GRAIN_CUDNN_CHECK(cudnnGetRNNWeightSpaceSize(handle, s.rnn, &s.weight_bytes));
  GRAIN_CUDNN_CHECK(cudnnGetRNNTempSpaceSizes(handle, s.rnn, training ? CUDNN_FWD_MODE_TRAINING : CUDNN_FWD_MODE_INFERENCE,
                                              s.x_desc, &s.work_bytes, &s.reserve_bytes));
}

// Copies between the canonical tensors (or their gradients) and a weight
// space: to_space packs, otherwise unpacks into `tensors` (allocated here).
void transfer_weights(const LstmCudnnState& s, void* space, std::vector<Tensor>& tensors, bool to_space) {
  cuda::Context& ctx = cuda::context(s.device);
  cuda::TensorDescriptor m_desc, b_desc;
  const size_t hid = static_cast<size_t>(s.hid);
  for (int64_t l = 0; l < s.layers; ++l)
    for (int64_t d = 0; d < s.dirs; ++d) {
      const int64_t k = l * s.dirs + d, in = l == 0 ? s.in : s.dirs * s.hid;
      for (int id = 0; id < 8; ++id) {
        void* m_addr = nullptr;
        void* b_addr = nullptr;
        GRAIN_CUDNN_CHECK(cudnnGetRNNWeightParams(ctx.cudnn(), s.rnn, static_cast<int32_t>(k), s.weight_bytes, space,
                                                  id, m_desc, &m_addr, b_desc, &b_addr));
        const bool recurrent = id >= 4;
        const int gate = id % 4;
        const size_t cols = recurrent ? hid : static_cast<size_t>(in);
        Tensor& w = tensors[4 * k + (recurrent ? 1 : 0)];
        Tensor& b = tensors[4 * k + (recurrent ? 3 : 2)];
        char* w_at = static_cast<char*>(w.raw_data()) + gate * hid * cols * sizeof(float);
        char* b_at = static_cast<char*>(b.raw_data()) + gate * hid * sizeof(float);
        const size_t w_bytes = hid * cols * sizeof(float), b_bytes = hid * sizeof(float);
        GRAIN_CHECK(m_addr && b_addr, "lstm (cuDNN): no weight or bias address for pseudo-layer " << k << " id " << id);
        if (to_space) {
          GRAIN_CUDA_CHECK(cudaMemcpyAsync(m_addr, w_at, w_bytes, cudaMemcpyDeviceToDevice, ctx.stream()));
          GRAIN_CUDA_CHECK(cudaMemcpyAsync(b_addr, b_at, b_bytes, cudaMemcpyDeviceToDevice, ctx.stream()));
        } else {
          GRAIN_CUDA_CHECK(cudaMemcpyAsync(w_at, m_addr, w_bytes, cudaMemcpyDeviceToDevice, ctx.stream()));
          GRAIN_CUDA_CHECK(cudaMemcpyAsync(b_at, b_addr, b_bytes, cudaMemcpyDeviceToDevice, ctx.stream()));
        }
      }
    }
}

const void* ptr_or_null(const Tensor& t) { return t.defined() ? t.raw_data() : nullptr; }

}  // namespace

void lstm_forward_cuda(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<Tensor>& weights,
                       const LstmParams& p, bool keep_for_backward, const LstmOutput& out, LstmSaved& saved) {
  auto s = std::make_shared<LstmCudnnState>();
  s->device = x.device().index;
  s->n = x.size(0), s->t = x.size(1), s->in = x.size(2), s->hid = p.hidden, s->layers = p.layers;
  s->dirs = p.directions();
  GRAIN_CHECK(s->t > 0 && s->n > 0, "lstm (cuDNN): empty batch or sequence " << x.shape());
  const bool training = keep_for_backward;
  describe(*s, p, training);
  cuda::Context& ctx = cuda::context(s->device);

  s->weight_space = cuda::DeviceBuffer(s->device, s->weight_bytes);
  std::vector<Tensor> canonical = weights;
  transfer_weights(*s, s->weight_space.data(), canonical, true);
  if (training) s->reserve_space = cuda::DeviceBuffer(s->device, s->reserve_bytes);
  cuda::DeviceBuffer work(s->device, s->work_bytes);

  GRAIN_CUDNN_CHECK(cudnnRNNForward(ctx.cudnn(), s->rnn, training ? CUDNN_FWD_MODE_TRAINING : CUDNN_FWD_MODE_INFERENCE,
                                    s->seq_lengths.as<int32_t>(), s->x_desc, x.raw_data(), s->y_desc,
                                    out.output.raw_data(), s->h_desc, ptr_or_null(h0), out.h_n.raw_data(), s->c_desc,
                                    ptr_or_null(c0), out.c_n.raw_data(), s->weight_bytes, s->weight_space.data(),
                                    s->work_bytes, work.data(), training ? s->reserve_bytes : 0,
                                    training ? s->reserve_space.data() : nullptr));
  if (!training) return;

  s->x = x.detach();
  s->y = out.output.detach();
  s->h0 = h0.defined() ? h0.detach() : Tensor();
  s->c0 = c0.defined() ? c0.detach() : Tensor();
  saved.cudnn = s;
}

void lstm_backward_cuda(const std::vector<Tensor>& weights, const LstmParams&, const LstmSaved& saved,
                        const Tensor& d_output, const Tensor& d_hn, const Tensor& d_cn, const std::vector<bool>& need,
                        std::vector<Tensor>& grads) {
  LstmCudnnState* s = saved.cudnn.get();
  cuda::Context& c = cuda::context(s->device);
  cuda::DeviceBuffer work(s->device, s->work_bytes);
  // cuDNN computes dx, dh0, dc0 in one call; it needs them all as buffers.
  Tensor dx = Tensor::empty(s->x.shape(), s->x.dtype(), s->x.device());
  Tensor dh0 = Tensor::empty({s->layers * s->dirs, s->n, s->hid}, s->x.dtype(), s->x.device());
  Tensor dc0 = Tensor::empty(dh0.shape(), s->x.dtype(), s->x.device());
  GRAIN_CUDNN_CHECK(cudnnRNNBackwardData_v8(
      c.cudnn(), s->rnn, s->seq_lengths.as<int32_t>(), s->y_desc, s->y.raw_data(), d_output.raw_data(), s->x_desc,
      dx.raw_data(), s->h_desc, ptr_or_null(s->h0), d_hn.raw_data(), dh0.raw_data(), s->c_desc, ptr_or_null(s->c0),
      d_cn.raw_data(), dc0.raw_data(), s->weight_bytes, s->weight_space.data(), s->work_bytes, work.data(),
      s->reserve_bytes, s->reserve_space.data()));
  bool any_weight = false;
  for (size_t i = 3; i < need.size(); ++i) any_weight = any_weight || need[i];
  if (any_weight) {
    // BackwardWeights adds into the space (the only mode cuDNN 9 offers): zero it first.
    cuda::DeviceBuffer dweight_space(s->device, s->weight_bytes);
    GRAIN_CUDA_CHECK(cudaMemsetAsync(dweight_space.data(), 0, s->weight_bytes, c.stream()));
    GRAIN_CUDNN_CHECK(cudnnRNNBackwardWeights_v8(c.cudnn(), s->rnn, CUDNN_WGRAD_MODE_ADD, s->seq_lengths.as<int32_t>(),
                                                 s->x_desc, s->x.raw_data(), s->h_desc, ptr_or_null(s->h0), s->y_desc,
                                                 s->y.raw_data(), s->weight_bytes, dweight_space.data(),
                                                 s->work_bytes, work.data(), s->reserve_bytes,
                                                 s->reserve_space.data()));
    std::vector<Tensor> dweights(weights.size());
    for (size_t i = 0; i < weights.size(); ++i)
      dweights[i] = Tensor::empty(weights[i].shape(), weights[i].dtype(), weights[i].device());
    transfer_weights(*s, dweight_space.data(), dweights, false);
    for (size_t i = 0; i < weights.size(); ++i)
      if (need[3 + i]) grads[3 + i] = dweights[i];
    // The buffers above return to the allocator when this scope ends; the
    // stream orders any reuse after the copies queued here.
  }
  if (need[0]) grads[0] = dx;
  if (need[1]) grads[1] = dh0;
  if (need[2]) grads[2] = dc0;
}

}  // namespace grain
