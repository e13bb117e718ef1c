#!/usr/bin/env bash
# Copies the few Debian-packaged build dependencies that the GPU machines'
# image may lack (OpenBLAS OpenMP build with its Fortran runtime, Catch2 v2,
# Google Benchmark; for the trainer: yaml-cpp, nlohmann-json, libjpeg-turbo, stb)
# into build-gpu-deps/ (ignored by git, about 42 MB), laid
# out like /usr so CMake finds them with CMAKE_PREFIX_PATH. Run it here, on
# the development machine, before a device run that carries build-gpu-deps;
# tools/gpu_check.sh uses the bundle only where the system lacks a package.
#
# Usage: tools/gpu_deps_bundle.sh            (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
arch=x86_64-linux-gnu
out=build-gpu-deps/usr
rm -rf build-gpu-deps
mkdir -p "$out/lib/$arch/openblas-openmp" "$out/include/$arch" "$out/lib/cmake" "$out/lib/$arch/cmake" "$out/include"

copy() {  # copy SRC DST, following links, failing loudly when SRC is missing
  if [ ! -e "$1" ]; then echo "gpu_deps_bundle: missing $1 (run tools/install_deps.sh)" >&2; exit 1; fi
  cp -rL "$1" "$2"
}
copy /usr/lib/$arch/openblas-openmp/libopenblas.so.0 "$out/lib/$arch/openblas-openmp/libopenblas.so.0"
ln -sf libopenblas.so.0 "$out/lib/$arch/openblas-openmp/libopenblas.so"
copy /usr/include/$arch/openblas-openmp "$out/include/$arch/openblas-openmp"
copy /lib/$arch/libgfortran.so.5 "$out/lib/$arch/libgfortran.so.5"
copy /lib/$arch/libquadmath.so.0 "$out/lib/$arch/libquadmath.so.0"
copy /usr/include/catch2 "$out/include/catch2"
copy /usr/lib/cmake/Catch2 "$out/lib/cmake/Catch2"
for f in /usr/lib/libCatch2*.a; do [ -e "$f" ] && cp -L "$f" "$out/lib/"; done
copy /usr/include/benchmark "$out/include/benchmark"
copy /usr/lib/$arch/cmake/benchmark "$out/lib/$arch/cmake/benchmark"
for f in /usr/lib/$arch/libbenchmark*; do cp -P "$f" "$out/lib/$arch/"; done
cp -L /usr/lib/$arch/libbenchmark.so.1.7.1 "$out/lib/$arch/" 2>/dev/null || true
# The trainer's stage of tools/gpu_check.sh (FFmpeg is not bundled: its
# closure is ~165 MB; that build reads JPEG frame folders, see GRAIN_FFMPEG).
copy /usr/include/yaml-cpp "$out/include/yaml-cpp"
copy /usr/lib/$arch/cmake/yaml-cpp "$out/lib/$arch/cmake/yaml-cpp"
cp -P /usr/lib/$arch/libyaml-cpp.so /usr/lib/$arch/libyaml-cpp.so.0.7 "$out/lib/$arch/"
copy /usr/lib/$arch/libyaml-cpp.so.0.7.0 "$out/lib/$arch/libyaml-cpp.so.0.7.0"
cp -L /usr/lib/$arch/libyaml-cpp.a "$out/lib/$arch/" 2>/dev/null || true
copy /usr/include/nlohmann "$out/include/nlohmann"
copy /usr/include/stb "$out/include/stb"  # header-only; gpu_check.sh puts the folder on CPATH
mkdir -p "$out/share/cmake"
copy /usr/share/cmake/nlohmann_json "$out/share/cmake/nlohmann_json"
for h in jpeglib.h jmorecfg.h jerror.h; do copy /usr/include/$h "$out/include/$h"; done
copy /usr/include/$arch/jconfig.h "$out/include/jconfig.h"  # beside jpeglib.h: FindJPEG adds one folder
cp -P /usr/lib/$arch/libjpeg.so /usr/lib/$arch/libjpeg.so.62 "$out/lib/$arch/"
copy /usr/lib/$arch/libjpeg.so.62.3.0 "$out/lib/$arch/libjpeg.so.62.3.0"
du -sh build-gpu-deps
echo "gpu_deps_bundle: done; carry build-gpu-deps in the device run"
