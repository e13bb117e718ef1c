// defines: detected_cpu_isa, cpu_isa, cpu_isa_name (see cpu_isa.h)
#include "kernels/cpu/cpu_isa.h"

#include <cstdlib>
#include <string>

#include "kernels/error.h"

namespace grain::kernels {

CpuIsa detected_cpu_isa() {
#if defined(__x86_64__) || defined(__i386__)
  // libgcc's checks include the operating system's support for the register
  // state (XGETBV), not only the CPUID bits.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return CpuIsa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CpuIsa::kAvx2;
#endif
  return CpuIsa::kGeneric;
}

const char* cpu_isa_name(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::kAvx512: return "avx512";
    case CpuIsa::kAvx2: return "avx2";
    case CpuIsa::kGeneric: return "generic";
  }
  return "generic";
}

namespace {

CpuIsa choose_cpu_isa() {
  const CpuIsa detected = detected_cpu_isa();
  const char* forced = std::getenv("GRAIN_CPU_ISA");
  if (!forced || !*forced) return detected;
  const std::string name = forced;
  CpuIsa wanted;
  if (name == "generic") {
    wanted = CpuIsa::kGeneric;
  } else if (name == "avx2") {
    wanted = CpuIsa::kAvx2;
  } else if (name == "avx512") {
    wanted = CpuIsa::kAvx512;
  } else {
    throw Error("GRAIN_CPU_ISA='" + name + "' is not one of generic, avx2, avx512");
  }
  if (static_cast<int>(wanted) > static_cast<int>(detected)) {
    throw Error("GRAIN_CPU_ISA=" + name + " asks for instructions this CPU lacks (it supports up to " +
                cpu_isa_name(detected) + ")");
  }
  return wanted;
}

}  // namespace

CpuIsa cpu_isa() {
  static const CpuIsa isa = choose_cpu_isa();
  return isa;
}

}  // namespace grain::kernels
