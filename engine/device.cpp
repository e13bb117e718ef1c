// defines: try_parse_device_choice, parse_device_choice, resolve_device, parse_device (see device.h)
#include "engine/device.h"

#include <charconv>

#include "engine/error.h"

namespace grain {

std::optional<DeviceChoice> try_parse_device_choice(std::string_view text) {
  using Kind = DeviceChoice::Kind;
  if (text == "cpu") return DeviceChoice{Kind::kCpu, std::nullopt};
  if (text == "cuda") return DeviceChoice{Kind::kCuda, std::nullopt};
  if (text == "auto") return DeviceChoice{Kind::kAuto, std::nullopt};
  constexpr std::string_view kCudaPrefix = "cuda:";
  if (text.substr(0, kCudaPrefix.size()) != kCudaPrefix) return std::nullopt;
  const std::string_view digits = text.substr(kCudaPrefix.size());
  int index = -1;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || index < 0) return std::nullopt;
  return DeviceChoice{Kind::kCuda, index};
}

DeviceChoice parse_device_choice(std::string_view text) {
  const std::optional<DeviceChoice> choice = try_parse_device_choice(text);
  GRAIN_CHECK(choice, "device '" << text << "': expected " << kDeviceNames);
  return *choice;
}

Device resolve_device(const DeviceChoice& choice, int default_cuda_index) {
  const Device cuda = Device::cuda(choice.index.value_or(default_cuda_index));
  switch (choice.kind) {
    case DeviceChoice::Kind::kCpu: return Device::cpu();
    case DeviceChoice::Kind::kCuda: return cuda;
    case DeviceChoice::Kind::kAuto: return cuda_is_built() && cuda_device_count() > 0 ? cuda : Device::cpu();
  }
  return Device::cpu();
}

Device parse_device(std::string_view text, int default_cuda_index) {
  return resolve_device(parse_device_choice(text), default_cuda_index);
}

}  // namespace grain
