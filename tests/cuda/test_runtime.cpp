// The runtime: caching allocator reuse and statistics, the error macros'
// messages, host/device copies.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "engine/cuda/allocator.h"
#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/device_runtime.h"
#include "engine/tensor.h"

using namespace grain;

TEST_CASE("the caching allocator reuses freed blocks and counts bytes", "[runtime][cuda]") {
  cuda::CachingAllocator& a = cuda::allocator(0);
  const cuda::AllocatorStats before = a.stats();
  void* p = a.allocate(1000);
  CHECK(a.stats().bytes_in_use == before.bytes_in_use + cuda::CachingAllocator::round_size(1000));
  a.release(p);
  const size_t mallocs = a.stats().cuda_mallocs;
  void* q = a.allocate(900);  // same 1 KiB bin: served from the cache, no cudaMalloc
  CHECK(a.stats().cuda_mallocs == mallocs);
  a.release(q);
  CHECK(a.stats().bytes_in_use == before.bytes_in_use);
  CHECK(a.stats().peak_bytes_in_use >= before.bytes_in_use + 1024);
}

TEST_CASE("tensors round-trip between host and device", "[runtime][cuda]") {
  const Tensor h = Tensor::uniform({3, 5, 7}, -1, 1, 3);
  const Tensor d = h.to(Device::cuda());
  CHECK(d.device().is_cuda());
  const Tensor back = d.clone().to(Device::cpu());
  CHECK(back.to_vector() == h.to_vector());
  Tensor z = Tensor::zeros({4, 4}, DType::kFloat32, Device::cuda());
  for (double v : z.to(Device::cpu()).to_vector()) CHECK(v == 0.0);
}

TEST_CASE("library errors throw with the statement, file:line and the library's message", "[runtime][cuda]") {
  try {
    GRAIN_CUDA_CHECK(cudaSetDevice(100000));
    FAIL("no exception");
  } catch (const Error& e) {
    const std::string m = e.what();
    CHECK(m.find("cudaSetDevice(100000)") != std::string::npos);
    CHECK(m.find("test_runtime.cpp:") != std::string::npos);
    CHECK(m.find("invalid device ordinal") != std::string::npos);
  }
  cudaGetLastError();
  cuda::context(0);  // leaves device 0 current again
  try {
    GRAIN_CUDNN_CHECK(cudnnSetTensor4dDescriptor(nullptr, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, -1, 1, 1, 1));
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("CUDNN_STATUS_BAD_PARAM") != std::string::npos);
  }
}

TEST_CASE("pinned host memory round-trips through the device", "[runtime][cuda]") {
  // The loader's batch buffers on CUDA runs (train/pinned_host_allocator.h).
  const size_t n = 1 << 20;
  float* pinned = static_cast<float*>(grain::device_runtime::pinned_host_allocate(n * sizeof(float)));
  REQUIRE(pinned != nullptr);
  cudaPointerAttributes attributes{};
  GRAIN_CUDA_CHECK(cudaPointerGetAttributes(&attributes, pinned));
  CHECK(attributes.type == cudaMemoryTypeHost);  // page-locked, registered with CUDA
  for (size_t i = 0; i < n; ++i) pinned[i] = static_cast<float>(i % 977) * 0.5f;
  const grain::Tensor host = grain::Tensor::view_of(
      std::make_shared<grain::Storage>(n * sizeof(float), grain::Device::cpu()), 0, {static_cast<int64_t>(n)},
      grain::DType::kFloat32);
  std::memcpy(host.raw_data(), pinned, n * sizeof(float));
  const grain::Tensor back = host.to(grain::Device::cuda()).to(grain::Device::cpu());
  CHECK(std::memcmp(back.raw_data(), pinned, n * sizeof(float)) == 0);
  grain::device_runtime::pinned_host_release(pinned);
}
