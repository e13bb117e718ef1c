// defines: the CPU half of grain::device_runtime
#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/device_runtime.h"
#include "engine/error.h"

namespace grain::device_runtime {

// 64-byte alignment: a cache line and a full AVX-512 vector.
void* cpu_allocate(size_t bytes) {
  const size_t rounded = (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  GRAIN_CHECK(p != nullptr, "out of host memory allocating " << bytes << " bytes");
  return p;
}

void cpu_release(void* ptr) noexcept { std::free(ptr); }

}  // namespace grain::device_runtime
