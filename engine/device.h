// defines: grain::Device, DeviceType, cuda_device_count, cuda_is_built
//
// Where a tensor lives. No implicit host/device copies anywhere: an op whose
// inputs sit on different devices is an error; Tensor::to(device) copies.
#pragma once

#include <cstdint>
#include <string>

namespace grain {

enum class DeviceType : uint8_t { kCPU, kCUDA };

struct Device {
  DeviceType type = DeviceType::kCPU;
  int index = 0;

  static Device cpu() { return {DeviceType::kCPU, 0}; }
  static Device cuda(int index = 0) { return {DeviceType::kCUDA, index}; }
  bool is_cpu() const { return type == DeviceType::kCPU; }
  bool is_cuda() const { return type == DeviceType::kCUDA; }
  bool operator==(const Device&) const = default;
  std::string str() const {
    return is_cpu() ? "cpu" : "cuda:" + std::to_string(index);
  }
};

// True when the binary was built with the CUDA backend.
bool cuda_is_built();
// Number of usable CUDA devices; 0 when none is present or CUDA is not built.
int cuda_device_count();

}  // namespace grain
