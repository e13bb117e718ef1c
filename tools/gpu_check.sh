#!/usr/bin/env bash
# One-shot validation of the CUDA backend on a GPU machine:
#   1. finds cuDNN and NCCL (standard prefixes first, else the pip wheels
#      nvidia-cudnn-cu13 / nvidia-nccl-cu13 that PyTorch installs, located by
#      asking python3) and the Debian build dependencies (else the bundle made
#      by tools/gpu_deps_bundle.sh in build-gpu-deps/);
#   2. configures build-gpu with -DENGINE_CUDA=ON for the card's architecture
#      and builds, with all cores, only cuda_tests and conv3d_bench;
#   3. runs the `cuda` CTest label and a short conv3d_bench (paper preset
#      layers, batch 16), writing logs and JSON to $GPU_CHECK_OUT (default
#      build-gpu/gpu_check; the device tool's $OUT when set);
#   4. the trainer end to end on the GPU (GPU_CHECK_TRAINER=1, the default):
#      configs/fg_captions.yaml (paper preset) for GPU_CHECK_TRAIN_STEPS steps
#      (default 200) on synth-ss generated there as JPEG frames at 128x128
#      (the GPU images lack FFmpeg; such a build reads JPEG folders only,
#      see GRAIN_FFMPEG), then --resume auto for 20 more steps, then the
#      checkpoint read back by PyTorch;
#   5. optional (GPU_CHECK_STEP_BENCH=1; off by default, it does not fit the
#      budget below): the whole training step at the paper preset against
#      PyTorch's on the same card, bench/compare_gpu_train_step.py with
#      GPU_CHECK_STEP_ARGS (default --rounds 1), cut off after
#      GPU_CHECK_STEP_TIMEOUT seconds (default 480); with GPU_CHECK_TRAINER=0
#      GPU_CHECK_BENCH=0 the whole script stays near 10 minutes;
#   6. prints a short table last: tests passed/failed, device, cuDNN version,
#      conv3d TFLOP/s per paper layer shape, the training run's numbers (and
#      the training-step comparison's table when it ran).
# Budget: under 8 minutes on a 16-core H100/H200 (build ~1, tests ~1,
# bench ~1, trainer ~4).
#
# Usage (repository root):  tools/gpu_check.sh
# Environment: CUDNN_ROOT, NCCL_ROOT (skip the search), GPU_CHECK_BENCH=0
# (skip the bench), GPU_CHECK_TRAINER=0 (skip the trainer), GPU_CHECK_TRAIN_STEPS,
# GPU_CHECK_OUT (where logs go), GPU_CHECK_BUILD (build folder, default build-gpu),
# GPU_CHECK_STEP_BENCH=1 (run step 5), GPU_CHECK_STEP_ARGS, GPU_CHECK_STEP_TIMEOUT.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$(date +%s)
build=${GPU_CHECK_BUILD:-build-gpu}
out=${GPU_CHECK_OUT:-${OUT:-$build/gpu_check}}
mkdir -p "$out"
log() { echo "gpu_check [$(( $(date +%s) - start ))s]: $*"; }

# ---- the card ---------------------------------------------------------------
device=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '.[:space:]')
arch=${cap:-90}
log "device '${device:-none found}', CUDA architecture $arch"

# ---- cuDNN and NCCL ---------------------------------------------------------
wheel_dir() {  # the folder of an nvidia.* wheel package, via the python3 that holds PyTorch
  python3 - "$1" <<'PY' 2>/dev/null
import importlib, os, sys
try:
    m = importlib.import_module(sys.argv[1])
    paths = list(getattr(m, "__path__", [])) or [os.path.dirname(m.__file__)]
    print(paths[0])
except Exception:
    pass
PY
}
find_prefix() {  # find_prefix HEADER LIBGLOB WHEEL: prints a prefix holding include/HEADER
  local header=$1 lib=$2 wheel=$3 p
  for p in /usr/local/cuda /usr /usr/local /opt/cuda; do
    [ -e "$p/include/$header" ] || [ -e "$p/include/x86_64-linux-gnu/$header" ] || continue
    if compgen -G "$p/lib/$lib" >/dev/null || compgen -G "$p/lib64/$lib" >/dev/null ||
       compgen -G "$p/lib/x86_64-linux-gnu/$lib" >/dev/null; then
      echo "$p"; return
    fi
  done
  # The pip wheels: the package's folder, else a search of site-packages.
  local found="" site
  p=$(wheel_dir "$wheel")
  [ -n "$p" ] && found=$(find "$p" -maxdepth 3 -name "$header" 2>/dev/null | head -1)
  if [ -z "$found" ]; then
    site=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null)
    [ -n "$site" ] && found=$(find "$site/nvidia" -maxdepth 4 -name "$header" 2>/dev/null | head -1)
  fi
  [ -n "$found" ] && dirname "$(dirname "$found")"
}
CUDNN_ROOT=${CUDNN_ROOT:-$(find_prefix cudnn_version.h 'libcudnn.so*' nvidia.cudnn)}
NCCL_ROOT=${NCCL_ROOT:-$(find_prefix nccl.h 'libnccl.so*' nvidia.nccl)}
log "cuDNN at '${CUDNN_ROOT:-not found}', NCCL at '${NCCL_ROOT:-not found}'"
if [ -z "$CUDNN_ROOT" ]; then
  log "FAILED: cuDNN not found (set CUDNN_ROOT or pip install nvidia-cudnn-cu13)"
  exit 1
fi
export CUDNN_ROOT NCCL_ROOT
for p in "$CUDNN_ROOT" "$NCCL_ROOT"; do
  [ -n "$p" ] && [ -d "$p/lib" ] && export LD_LIBRARY_PATH="$p/lib:${LD_LIBRARY_PATH:-}"
done
# The wheels ship libcudnn.so.9 only; the linker wants the unversioned name
# through find_library's versioned fallback (cmake/FindCUDNN.cmake), fine.

# ---- Debian build dependencies (OpenBLAS, Catch2, benchmark) ----------------
cmake_extra=()
deps=$root/build-gpu-deps/usr
la=x86_64-linux-gnu
if [ ! -e /usr/include/$la/openblas-openmp/cblas.h ] && [ -d "$deps" ]; then
  log "OpenBLAS (OpenMP) from build-gpu-deps"
  cmake_extra+=("-DGRAIN_OPENBLAS_LIBRARY=$deps/lib/$la/openblas-openmp/libopenblas.so"
                "-DCBLAS_INCLUDE_DIR=$deps/include/$la/openblas-openmp")
  export LD_LIBRARY_PATH="$deps/lib/$la/openblas-openmp:$deps/lib/$la:${LD_LIBRARY_PATH:-}"
fi
if [ ! -e /usr/include/stb/stb_image_write.h ] && [ -d "$deps/include/stb" ]; then
  log "stb headers from build-gpu-deps"
  export CPATH="$deps/include${CPATH:+:$CPATH}"  # the sources include <stb/...> without a CMake target
fi
if [ -d "$deps" ]; then
  cmake_extra+=("-DCMAKE_PREFIX_PATH=$deps")  # consulted after the system's own packages
  export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$deps/lib/$la"
fi

# ---- configure and build ----------------------------------------------------
generator=()  # Ninja for a fresh folder; an existing one keeps its generator
[ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null && generator=(-G Ninja)
trainer_stage=${GPU_CHECK_TRAINER:-1}
filter='(tests|bench)/(cuda|engine)'
[ "$trainer_stage" != 0 ] && filter="$filter|data/.*|tools/(trainer|make_dataset)"
log "configuring $build"
if ! cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DENGINE_CUDA=ON \
     -DCMAKE_CUDA_ARCHITECTURES="$arch" -DGRAIN_SUBDIR_FILTER="$filter" \
     -DCUDNN_ROOT="$CUDNN_ROOT" ${NCCL_ROOT:+-DNCCL_ROOT="$NCCL_ROOT"} "${cmake_extra[@]}" \
     >"$out/configure.log" 2>&1; then
  tail -30 "$out/configure.log"
  log "FAILED: configure (log: $out/configure.log)"
  exit 1
fi
grep -E "grain: (CUDA backend|FFmpeg)" "$out/configure.log"
jobs=$(nproc)
targets=(cuda_tests)
[ -d bench/cuda ] && targets+=(conv3d_bench)
[ "$trainer_stage" != 0 ] && targets+=(trainer make_dataset)
step_stage=${GPU_CHECK_STEP_BENCH:-0}
[ "$step_stage" != 0 ] && [ -f bench/cuda/train_step_bench.cpp ] && targets+=(train_step_bench)
log "building ${targets[*]} with $jobs jobs"
if ! cmake --build "$build" -j "$jobs" --target "${targets[@]}" >"$out/build.log" 2>&1; then
  grep -E "error|Error" "$out/build.log" | head -30
  log "FAILED: build (log: $out/build.log)"
  exit 1
fi

# ---- tests ------------------------------------------------------------------
log "running the cuda tests (ctest -L cuda)"
( cd "$build" && timeout 330 ctest -L cuda -V ) >"$out/ctest.log" 2>&1
ctest_rc=$?
grep -E "(cuda_tests: |test cases:|assertions:|All tests passed|FAILED|failed|Skipped|tests passed)" "$out/ctest.log" | tail -40

# ---- benchmark --------------------------------------------------------------
bench_rc=skipped
if [ "${GPU_CHECK_BENCH:-1}" != 0 ] && [ -x "$build/bin/conv3d_bench" ]; then
  log "running conv3d_bench (paper preset shapes, short)"
  timeout 180 "$build/bin/conv3d_bench" --backend=cuda --benchmark_repetitions=3 --benchmark_min_time=0.03 \
    --benchmark_report_aggregates_only=true --benchmark_out="$out/conv3d_bench.json" \
    --benchmark_out_format=json >"$out/conv3d_bench.log" 2>&1
  bench_rc=$?
fi

# ---- the trainer, end to end on the GPU --------------------------------------
train_state="not run"
if [ "$trainer_stage" != 0 ] && [ -x "$build/bin/trainer" ]; then
  steps=${GPU_CHECK_TRAIN_STEPS:-200}
  data=$build/gpu_check_data/synth-ss
  run=$out/train-fg_captions
  rm -rf "$run"
  train_args=(--config configs/fg_captions.yaml --device cuda --out "$run"
              --set dataset.root="$data" --set dataset.generate_format=jpeg
              --set dataset.generate_width=128 --set dataset.generate_height=128
              --set train.workers=$(( jobs > 4 ? jobs - 2 : 2 )))
  log "trainer: configs/fg_captions.yaml (paper preset) for $steps steps on cuda"
  timeout 300 "$build/bin/trainer" "${train_args[@]}" --set train.max_steps="$steps" >"$out/train.log" 2>&1
  train_rc=$?
  tail -4 "$out/train.log"
  log "trainer: --resume auto for 20 more steps"
  timeout 120 "$build/bin/trainer" "${train_args[@]}" --resume auto --set train.max_steps=$((steps + 20)) \
    >"$out/train-resume.log" 2>&1
  resume_rc=$?
  tail -3 "$out/train-resume.log"
  train_state="rc $train_rc, resume rc $resume_rc"
  python3 - "$run" "$steps" >"$out/train-summary.txt" 2>&1 <<'PY'
import json, os, sys
run, steps = sys.argv[1], int(sys.argv[2])
rows = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl")) if l.strip()]
train = [r for r in rows if r.get("split") == "train"]
if train:
    print(f"train loss: step {train[0]['step']} {train[0]['loss']:.3f} -> step {train[-1]['step']} {train[-1]['loss']:.3f}; "
          f"clips/s (median of the logged windows) {sorted(r['clips_per_s'] for r in train)[len(train) // 2]:.1f}")
summary = json.load(open(os.path.join(run, "summary.json")))
m = summary.get("metrics", {})
print("final validation: " + ", ".join(f"{k} {m[k]:.4g}" for k in sorted(m)))
print(f"steps {summary.get('steps')} in {summary.get('seconds', 0):.0f} s (the resumed run's summary)")
latest = open(os.path.join(run, "latest")).read().strip()
path = os.path.join(run, latest, "model.safetensors")
try:
    from safetensors.torch import load_file
    tensors = load_file(path)
    how = "safetensors.torch.load_file"
except ImportError:  # read the format by hand: 8-byte header length, JSON header, raw data
    import struct, torch
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    tensors = {k: torch.frombuffer(bytearray(raw[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]]),
                                   dtype=torch.float32).reshape(v["shape"]) for k, v in header.items()}
    how = "torch.frombuffer on the safetensors layout"
total = sum(t.numel() for t in tensors.values())
finite = all(bool(t.isfinite().all()) for t in tensors.values())
print(f"checkpoint {latest}: {len(tensors)} tensors, {total} parameters, all finite: {finite} (read by PyTorch, {how})")
PY
  cat "$out/train-summary.txt"
fi

# ---- the training step against PyTorch's (optional) --------------------------
step_state="not run (GPU_CHECK_STEP_BENCH=1 runs it)"
if [ "$step_stage" != 0 ] && [ -x "$build/bin/train_step_bench" ]; then
  step_timeout=${GPU_CHECK_STEP_TIMEOUT:-480}
  rm -f "$out/train_step_compare.log" "$out/train_step_compare.json"
  log "bench/compare_gpu_train_step.py ${GPU_CHECK_STEP_ARGS:---rounds 1} (cut off after ${step_timeout} s)"
  # shellcheck disable=SC2086  # the arguments are meant to split
  timeout "$step_timeout" python3 bench/compare_gpu_train_step.py --engine-bench "$build/bin/train_step_bench" \
    --json "$out/train_step_compare.json" ${GPU_CHECK_STEP_ARGS:---rounds 1} >"$out/train_step_compare.log" 2>&1
  step_rc=$?
  step_state="rc $step_rc$( [ $step_rc -eq 124 ] && echo ' (cut off by the timeout: partial log)')"
  tail -3 "$out/train_step_compare.log"
fi

# ---- the table --------------------------------------------------------------
summary=$(grep -E "(All tests passed|test cases:)" "$out/ctest.log" | tail -1 | sed 's/^[0-9]*: //')
header=$(grep -m1 "cuda_tests: " "$out/ctest.log" | sed 's/^[0-9]*: //')
echo
echo "================ gpu_check summary ================"
printf "%-22s %s\n" "device" "${device:-?}"
printf "%-22s %s\n" "library versions" "${header#cuda_tests: }"
ctest_state=$( [ $ctest_rc -eq 0 ] && echo passed || echo "FAILED (rc $ctest_rc)")
if grep -q "\*\*\*Skipped" "$out/ctest.log"; then ctest_state="SKIPPED: no GPU visible"; ctest_rc=77; fi
printf "%-22s %s\n" "ctest -L cuda" "$ctest_state"
printf "%-22s %s\n" "cuda_tests (Catch2)" "${summary:-no summary}"
grep -E "parity failures in op" "$out/ctest.log" | sed 's/^[0-9]*: //' | sort | uniq | head -20
if [ -f "$out/conv3d_bench.json" ]; then
  python3 - "$out/conv3d_bench.json" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except Exception as e:  # a bench cut off by its timeout leaves the JSON unfinished
    print(f"conv3d_bench JSON unreadable ({e}); see conv3d_bench.log")
    sys.exit(0)
rows = [b for b in data.get("benchmarks", []) if b.get("aggregate_name", "median") == "median"]
print(f"{'conv3d (median)':<44} {'ms':>8} {'TFLOP/s':>8} {'% peak':>7}  algorithm")
for b in rows:
    ms = b.get("real_time", 0) if b.get("time_unit") == "ms" else b.get("real_time", 0) / 1e6
    name = b.get("run_name", b["name"]).replace("/manual_time", "")
    print(f"{name[:44]:<44} {ms:8.3f} {b.get('TFLOPs', 0):8.2f} {b.get('pct_peak', 0):7.1f}  {b.get('label', '')}")
PY
else
  printf "%-22s %s\n" "conv3d_bench" "not run ($bench_rc)"
fi
printf "%-22s %s\n" "trainer (paper, cuda)" "$train_state"
[ -f "$out/train-summary.txt" ] && sed 's/^/  /' "$out/train-summary.txt"
printf "%-22s %s\n" "train step vs PyTorch" "$step_state"
[ "$step_stage" != 0 ] && [ -f "$out/train_step_compare.log" ] && grep -E "^\|" "$out/train_step_compare.log"
printf "%-22s %s\n" "elapsed" "$(( $(date +%s) - start )) s"
echo "logs: $out"
[ $ctest_rc -eq 0 ]
