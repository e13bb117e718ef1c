// defines: grain::Device, DeviceType, cuda_device_count, cuda_is_built,
//          DeviceChoice, parse_device_choice, resolve_device, parse_device
//
// Where a tensor lives. No implicit host/device copies anywhere: an op whose
// inputs sit on different devices is an error; Tensor::to(device) copies.
//
// The one parser of device names, for the --device flags and the configs'
// `device` key: "cpu", "cuda" (the caller's GPU: 0, or a data-parallel
// process's local GPU), "cuda:N" (GPU N) and "auto" (the caller's GPU when
// this build has the CUDA backend and a GPU is present, else the CPU).
// Parsing (the text) and resolving (auto, the default GPU) are separate, so
// a tool can refuse a bad name as a usage error before it touches a GPU.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// A device name as written, before "auto" and the default GPU are resolved.
struct DeviceChoice {
  enum class Kind : uint8_t { kCpu, kCuda, kAuto } kind = Kind::kCpu;
  std::optional<int> index;  // "cuda:N" only
  bool operator==(const DeviceChoice&) const = default;
};

// What parse_device_choice accepts, for messages and usage texts.
inline constexpr char kDeviceNames[] = "cpu, cuda, cuda:N or auto";

// The choice a name means; nullopt when it is none of kDeviceNames
// ("cuda:" and "cuda:-1" are none).
std::optional<DeviceChoice> try_parse_device_choice(std::string_view text);
// The same, throwing grain::Error naming the text ("device 'tpu': expected
// cpu, cuda, cuda:N or auto").
DeviceChoice parse_device_choice(std::string_view text);
// The device of a choice: kCpu the CPU; kCuda GPU `index`, else
// `default_cuda_index`; kAuto that GPU when cuda_is_built() and a GPU is
// present, else the CPU. Whether that GPU exists is the caller's check (its
// message knows why it wanted it).
Device resolve_device(const DeviceChoice& choice, int default_cuda_index = 0);
// parse_device_choice, then resolve_device.
Device parse_device(std::string_view text, int default_cuda_index = 0);

// True when the binary was built with the CUDA backend.
bool cuda_is_built();
// Number of usable CUDA devices; 0 when none is present or CUDA is not built.
int cuda_device_count();

}  // namespace grain
