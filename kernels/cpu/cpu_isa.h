// defines: grain::kernels::CpuIsa, detected_cpu_isa, cpu_isa, cpu_isa_name
//
// Which instruction set the CPU kernels that have vector tables
// (kernels/cpu/conv_direct.h) run on, chosen once at run time so that one
// binary, built without -march, runs on any x86-64 machine and uses what it
// has. GRAIN_CPU_ISA=generic|avx2|avx512 forces a lower one (to compare
// tables, or to reproduce bits across machines); asking for one the CPU lacks
// is an error that says what the CPU has.
#pragma once

namespace grain::kernels {

enum class CpuIsa { kGeneric, kAvx2, kAvx512 };

// The widest table this CPU (and its operating system) supports: AVX-512F +
// VL, else AVX2 + FMA, else generic.
CpuIsa detected_cpu_isa();

// The table in use: GRAIN_CPU_ISA if set, else detected_cpu_isa(); read once.
CpuIsa cpu_isa();

// "generic", "avx2", "avx512".
const char* cpu_isa_name(CpuIsa isa);

}  // namespace grain::kernels
