#!/usr/bin/env bash
# Installs the Debian packages the build needs, and nothing when they are
# already there (idempotent). The CUDA toolkit, cuDNN, cuBLAS and NCCL are
# expected to be preinstalled (they are not Debian packages here); the build
# still configures without them (-DENGINE_CUDA=AUTO).
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libopenblas-openmp-dev     # CPU backend GEMM (OpenMP build: one thread pool with the engine's loops)
  catch2                     # tests (Catch2 v2)
  libbenchmark-dev           # bench/
  libyaml-cpp-dev            # configs
  nlohmann-json3-dev         # JSON label files, predictions, checkpoints' headers
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev  # video decode/encode
  libjpeg62-turbo-dev        # JPEG frame folders
  libstb-dev                 # PNG output (contact sheets, figures)
  libopenmpi-dev openmpi-bin # data-parallel start-up and CPU collectives (mpirun), engine/distributed
  librsvg2-bin               # rsvg-convert: reproduce writes figure4.png beside figure4.svg
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install_deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
