// The main() of the CUDA tests: exits 77 (CTest's SKIP_RETURN_CODE) when no
// GPU is present, so a machine without one reports the suite as skipped.
// Otherwise prints the device and library versions (tools/gpu_check.sh
// reads them) and runs the cases with TF32 off and output poisoning on.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

#include "engine/cuda/context.h"
#include "engine/device.h"

int main(int argc, char* argv[]) {
  if (grain::cuda_device_count() == 0) {
    std::printf("cuda_tests: no CUDA device present; skipping (exit 77)\n");
    return 77;
  }
  const int v = grain::cuda::cudnn_version();
  std::printf("cuda_tests: device %s, cuDNN %d.%d.%d\n", grain::cuda::device_name(0), v / 10000, (v / 100) % 100,
              v % 100);
  grain::cuda::set_tf32(false);
  grain::cuda::set_poison_allocations(true);
  return Catch::Session().run(argc, argv);
}
