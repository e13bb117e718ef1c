#!/usr/bin/env python3
"""The engine's training step against PyTorch's on the same card, run alternately.

For each task and each PyTorch mode, every round runs build/bin/train_step_bench
(the engine: float32, with TF32 for --mode tf32) and
bench/cuda/pytorch_train_step.py (python/grain_torch.py's model: fp32, tf32,
bf16, compile) one after the other, the order reversed every other round, so
that a card whose speed drifts (clocks, heat) slows both alike. Each run is a
fresh process: set-up, --warmup steps (cuDNN autotuning, compilation), then
--steps timed steps. Prints a markdown table: the medians of clips/s over the
rounds, the ratio engine / PyTorch (of the medians, and the median and range of
the per-round ratios) and the peak device memory of the timed steps.

The engine side of each row: --mode fp32 for PyTorch's fp32, --mode tf32 for
tf32, bf16 and compile (the engine has no mixed precision: those rows compare
its fastest mode with PyTorch's). Each engine mode runs once per round and task,
shared by the rows that use it.

    make bench-gpu-step                             # builds train_step_bench, then runs this
    python3 bench/compare_gpu_train_step.py --engine-bench build-gpu/bin/train_step_bench
    python3 bench/compare_gpu_train_step.py --device cpu --preset tiny --rounds 1   # smoke test
    GRAIN_PYTHON=/path/to/venv/bin/python python3 bench/compare_gpu_train_step.py

This script needs only the standard library; the peer needs PyTorch in
$GRAIN_PYTHON (default python3). Without it the engine runs alone, with a
message saying so. A PyTorch mode that fails (e.g. torch.compile without a
working compiler tool chain) is reported in the table and skipped in later
rounds; an engine failure stops the run. Duration at the paper preset: the
runs' set-up (cuDNN autotuning, torch.compile's compilation: a minute or more)
dominates; measure with --rounds 1 first.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

from bench_common import environment, has_torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER = os.path.join(ROOT, "bench", "cuda", "pytorch_train_step.py")
TASKS = ("cg_classes", "fg_captions")
MODES = ("fp32", "tf32", "bf16", "compile")


def engine_mode(mode: str, device: str) -> str:
    """The engine's mode a PyTorch mode is compared with."""
    return "fp32" if mode == "fp32" or device == "cpu" else "tf32"


def run_json(command, env, timeout):
    """(the last stdout line as JSON, None) or (None, why it failed)."""
    try:
        out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    except OSError as e:
        return None, str(e)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        tail = (out.stderr.strip().splitlines() or ["(no output)"])[-1]
        return None, f"exit {out.returncode}: {tail}"
    try:
        return json.loads(lines[-1]), None
    except json.JSONDecodeError:
        return None, f"not JSON: {lines[-1][:200]}"


def summary(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def mib(values):
    values = [v for v in values if v is not None]
    return f"{statistics.median(values) / 2**20:.0f}" if values else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--preset", choices=["paper", "small", "tiny"], default="paper")
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated: " + ", ".join(TASKS))
    parser.add_argument("--modes", help="comma-separated PyTorch modes: " + ", ".join(MODES) +
                        " (default: all four on cuda, fp32 on cpu)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per run")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps per run first")
    parser.add_argument("--batch", type=int, default=0, help="clips per step (default: the preset's step)")
    parser.add_argument("--frames", type=int, default=0, help="frames per clip (default: the preset's step)")
    parser.add_argument("--threads", type=int, default=0,
                        help="CPU threads of both sides (OMP_NUM_THREADS; the peer's --threads); default: as set")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one run may take")
    parser.add_argument("--engine-bench", default=os.path.join(ROOT, "build", "bin", "train_step_bench"))
    parser.add_argument("--python", default=os.environ.get("GRAIN_PYTHON", "python3"),
                        help="the interpreter with torch (default $GRAIN_PYTHON, else python3)")
    parser.add_argument("--json", help="also write every measurement to this file")
    args = parser.parse_args()
    tasks = args.tasks.split(",")
    modes = (args.modes or ("fp32" if args.device == "cpu" else ",".join(MODES))).split(",")
    for t in tasks:
        if t not in TASKS:
            parser.error(f"--tasks: unknown task '{t}' (expected {', '.join(TASKS)})")
    for m in modes:
        if m not in MODES:
            parser.error(f"--modes: unknown mode '{m}' (expected {', '.join(MODES)})")
        if m == "tf32" and args.device == "cpu":
            parser.error("--modes: tf32 needs --device cuda")
    if args.rounds < 1 or args.steps < 1 or args.warmup < 0 or args.batch < 0 or args.frames < 0 or args.threads < 0:
        parser.error("--rounds and --steps must be >= 1; --warmup, --batch, --frames, --threads >= 0")
    if not os.access(args.engine_bench, os.X_OK):
        sys.exit(f"compare_gpu_train_step: {args.engine_bench} not found; build it: "
                 "cmake --build build --target train_step_bench")
    torch_version = has_torch(args.python)
    if not torch_version:
        print(f"compare_gpu_train_step: '{args.python}' cannot import torch: the PyTorch peer is SKIPPED, the "
              "engine runs alone (set GRAIN_PYTHON to an interpreter with PyTorch)", flush=True)

    env = environment(args.threads) if args.threads else dict(os.environ)
    common = ["--device", args.device, "--preset", args.preset, "--steps", str(args.steps),
              "--warmup", str(args.warmup)]
    if args.batch:
        common += ["--batch", str(args.batch)]
    if args.frames:
        common += ["--frames", str(args.frames)]
    peer_extra = ["--threads", str(args.threads)] if args.threads else []

    # results[(task, side, mode)]: the JSON lines of the rounds; failed[(task, mode)]: why a peer mode stopped.
    results, failed, info = {}, {}, {}
    for r in range(args.rounds):
        for task in tasks:
            runs = []  # (side, mode) in this round's order
            for mode in modes:
                e = ("engine", engine_mode(mode, args.device))
                if e not in runs:
                    runs.append(e)
                if torch_version and (task, mode) not in failed:
                    runs.append(("pytorch", mode))
            if r % 2:
                runs.reverse()
            for side, mode in runs:
                if side == "engine":
                    command = [args.engine_bench, "--task", task, "--mode", mode] + common
                else:
                    command = [args.python, PEER, "--task", task, "--mode", mode] + common + peer_extra
                row, error = run_json(command, env, args.timeout)
                if row is None:
                    if side == "engine":
                        sys.exit(f"compare_gpu_train_step: {' '.join(command)} failed: {error}")
                    failed[(task, mode)] = error
                    print(f"round {r + 1}/{args.rounds}  {task:11s} pytorch {mode:7s} FAILED: {error}", flush=True)
                    continue
                results.setdefault((task, side, mode), []).append(row)
                info.setdefault(side, row)
                peak = row.get("peak_bytes")
                print(f"round {r + 1}/{args.rounds}  {task:11s} {side:7s} {mode:7s} {row['clips_per_s']:9.2f} clips/s"
                      f"  step {row['step_ms_median']:9.2f} ms"
                      + (f"  peak {peak / 2**20:8.0f} MiB" if peak is not None else ""), flush=True)

    e = info.get("engine", {})
    p = info.get("pytorch", {})
    print(f"\n{args.preset} preset, batch {e.get('batch')}, {e.get('frames')} frames of {e.get('crop')} x "
          f"{e.get('crop')}, {args.steps} timed steps after {args.warmup} warm-up; device {e.get('device_name')}; "
          f"PyTorch {torch_version or 'not run'}" + (f", cuDNN {p.get('cudnn')}" if p.get("cudnn") else "") +
          f"; clips/s, median (min-max) of {args.rounds} alternating round(s); peak = the timed steps' peak "
          "device memory (engine: its caching allocator; PyTorch: max_memory_allocated)")
    print("| task | PyTorch mode | engine mode | engine clips/s | PyTorch clips/s | engine / PyTorch (medians) "
          "| per-round ratio, median (min-max) | engine peak MiB | PyTorch peak MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for task in tasks:
        for mode in modes:
            em = engine_mode(mode, args.device)
            er = results.get((task, "engine", em), [])
            pr = results.get((task, "pytorch", mode), [])
            ev = [x["clips_per_s"] for x in er]
            pv = [x["clips_per_s"] for x in pr]
            engine_cell = summary(ev) if ev else "-"
            if pv:
                ratios = [a / b for a, b in zip(ev, pv)]
                print(f"| {task} | {mode} | {em} | {engine_cell} | {summary(pv)} | "
                      f"{statistics.median(ev) / statistics.median(pv):.2f} | {summary(ratios)} | "
                      f"{mib([x.get('peak_bytes') for x in er])} | {mib([x.get('peak_bytes') for x in pr])} |")
            else:
                why = ("FAILED: " + failed[(task, mode)].replace("|", "/")) if (task, mode) in failed else "skipped"
                print(f"| {task} | {mode} | {em} | {engine_cell} | {why} | - | - | "
                      f"{mib([x.get('peak_bytes') for x in er])} | - |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch_version, "rounds": args.rounds, "device": args.device, "preset": args.preset,
                       "failed": [{"task": t, "mode": m, "error": v} for (t, m), v in failed.items()],
                       "results": [{"task": t, "side": s, "mode": m, "runs": v}
                                   for (t, s, m), v in results.items()]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
