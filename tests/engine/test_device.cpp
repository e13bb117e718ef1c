// The one parser of device names (engine/device.h).
#include <catch2/catch.hpp>

#include "engine/device.h"
#include "engine/error.h"

using namespace grain;
using Kind = DeviceChoice::Kind;

TEST_CASE("device names: cpu, cuda, cuda:N, auto", "[engine][device]") {
  CHECK(parse_device_choice("cpu") == DeviceChoice{Kind::kCpu, std::nullopt});
  CHECK(parse_device_choice("cuda") == DeviceChoice{Kind::kCuda, std::nullopt});
  CHECK(parse_device_choice("cuda:3") == DeviceChoice{Kind::kCuda, 3});
  CHECK(parse_device_choice("auto") == DeviceChoice{Kind::kAuto, std::nullopt});
  for (const char* bad : {"", "tpu", "CPU", "cuda:", "cuda:-1", "cuda:1x", "cuda:+1", "cuda1", " cpu", "cpu:0"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(try_parse_device_choice(bad));
  }
  CHECK_THROWS_WITH(parse_device_choice("tpu"), Catch::Contains("device 'tpu': expected cpu, cuda, cuda:N or auto"));
}

TEST_CASE("device names: resolving the default GPU and auto", "[engine][device]") {
  CHECK(parse_device("cpu", 5) == Device::cpu());
  CHECK(parse_device("cuda") == Device::cuda(0));
  CHECK(parse_device("cuda", 2) == Device::cuda(2));    // a data-parallel process's local GPU
  CHECK(parse_device("cuda:1", 2) == Device::cuda(1));  // an explicit index wins
  const Device automatic = parse_device("auto", 1);
  if (cuda_is_built() && cuda_device_count() > 0) CHECK(automatic == Device::cuda(1));
  else CHECK(automatic == Device::cpu());
  CHECK(Device::cuda(1).str() == "cuda:1");
  CHECK(parse_device(Device::cuda(4).str()) == Device::cuda(4));  // str() reads back
}
