#!/usr/bin/env python3
"""The engine's CPU training step against PyTorch's, run alternately.

For each task (cg_classes: BM_TinyTrainingStep, the quick start's step;
fg_captions: BM_TinyCaptionTrainingStep) and each thread count, every round
runs build/bin/engine_bench's step and bench/engine/pytorch_train_step.py's
peer one after the other (the side that goes first alternates by round), so
that a machine whose speed drifts slows both alike. Prints a table of the
medians of clips/s over the rounds and the ratio engine / PyTorch (the ratio
of the medians, and the median and range of the per-round ratios).

    make bench-cpu-step                       # builds engine_bench, then runs this
    python3 bench/compare_train_step.py --rounds 5 --threads 1,2
    python3 bench/compare_train_step.py --wait-policy passive   # on a busy machine
    GRAIN_PYTHON=/path/to/venv/bin/python python3 bench/compare_train_step.py

This script needs only the standard library; the peer needs PyTorch (CPU) in
$GRAIN_PYTHON (default python3). Without it the engine side runs alone, with a
message saying so. Each measurement is about 3 s of steps after a warm-up
(engine_bench's MinTime(3.0); the peer's --min-time); the whole default run
(5 rounds x 2 tasks x 2 thread counts x 2 sides) takes 3 to 6 minutes.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

from bench_common import environment, has_torch, load_average

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINE_BENCHMARK = {"cg_classes": "BM_TinyTrainingStep", "fg_captions": "BM_TinyCaptionTrainingStep"}


WAIT_POLICY = None  # OMP_WAIT_POLICY for both sides; None: as in the caller's environment


def run_engine(binary: str, task: str, threads: int) -> float:
    name = ENGINE_BENCHMARK[task]
    out = subprocess.run([binary, f"--benchmark_filter=^{name}/", "--benchmark_format=json"],
                         env=environment(threads, WAIT_POLICY), capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"compare_train_step: {binary} failed (exit {out.returncode}):\n{out.stderr}")
    rows = [b for b in json.loads(out.stdout)["benchmarks"] if b["name"].startswith(name + "/")]
    if len(rows) != 1 or "clips/s" not in rows[0]:
        sys.exit(f"compare_train_step: {binary} printed no clips/s counter for {name}")
    return float(rows[0]["clips/s"])


def run_peer(python: str, task: str, threads: int, min_time: float) -> float:
    script = os.path.join(ROOT, "bench", "engine", "pytorch_train_step.py")
    out = subprocess.run([python, script, "--task", task, "--threads", str(threads), "--min-time", str(min_time)],
                         env=environment(threads, WAIT_POLICY), capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"compare_train_step: {script} failed (exit {out.returncode}):\n{out.stderr}")
    return float(json.loads(out.stdout.strip().splitlines()[-1])["clips_per_s"])


def summary(values):
    return f"{statistics.median(values):7.1f} ({min(values):.1f}-{max(values):.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--tasks", default="cg_classes,fg_captions", help="comma-separated: " + ", ".join(
        ENGINE_BENCHMARK))
    parser.add_argument("--engine-bench", default=os.path.join(ROOT, "build", "bin", "engine_bench"))
    parser.add_argument("--python", default=os.environ.get("GRAIN_PYTHON", "python3"),
                        help="the interpreter with torch (default $GRAIN_PYTHON, else python3)")
    parser.add_argument("--min-time", type=float, default=3.0, help="the peer's seconds of timed steps")
    parser.add_argument("--wait-policy", choices=["passive", "active"],
                        help="OMP_WAIT_POLICY for both sides (default: the environment's). On a machine busy "
                             "with other jobs use passive: with OpenMP's default spinning, a 2-thread step of "
                             "either side ran 10-30x slower than with passive")
    parser.add_argument("--json", help="also write every measurement to this file")
    args = parser.parse_args()
    try:
        threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        parser.error(f"--threads: comma-separated integers expected, got '{args.threads}'")
    tasks = args.tasks.split(",")
    for t in tasks:
        if t not in ENGINE_BENCHMARK:
            parser.error(f"--tasks: unknown task '{t}' (expected {', '.join(ENGINE_BENCHMARK)})")
    if args.rounds < 1 or any(t < 1 for t in threads):
        parser.error("--rounds and --threads must be >= 1")
    if not os.access(args.engine_bench, os.X_OK):
        sys.exit(f"compare_train_step: {args.engine_bench} not found; build it: "
                 "cmake --build build --target engine_bench")
    global WAIT_POLICY
    WAIT_POLICY = args.wait_policy
    torch_version = has_torch(args.python)
    load_before = load_average()
    if not torch_version:
        print(f"compare_train_step: '{args.python}' cannot import torch: the PyTorch peer is SKIPPED, the engine "
              "runs alone (install PyTorch (CPU) as in tests/python/README.md and set GRAIN_PYTHON)")

    results = {(task, n): {"engine": [], "pytorch": []} for task in tasks for n in threads}
    for r in range(args.rounds):
        for task in tasks:
            for n in threads:
                sides = ["engine", "pytorch"] if torch_version else ["engine"]
                if r % 2:
                    sides.reverse()
                for side in sides:
                    value = (run_engine(args.engine_bench, task, n) if side == "engine"
                             else run_peer(args.python, task, n, args.min_time))
                    results[(task, n)][side].append(value)
                    print(f"round {r + 1}/{args.rounds}  {task:11s} {n} thread(s)  {side:7s} {value:7.1f} clips/s",
                          flush=True)

    policy = WAIT_POLICY or os.environ.get("OMP_WAIT_POLICY") or "unset"
    print(f"\nclips/s, median (min-max) of {args.rounds} alternating rounds; PyTorch {torch_version or 'not run'}; "
          f"OMP_WAIT_POLICY {policy}; 1-minute load average {load_before} before, {load_average()} after")
    print("| task | threads | engine | PyTorch | engine / PyTorch (medians) | per-round ratio, median (min-max) |")
    print("|---|---|---|---|---|---|")
    for (task, n), v in results.items():
        e, p = v["engine"], v["pytorch"]
        if p:
            ratios = [a / b for a, b in zip(e, p)]
            print(f"| {task} | {n} | {summary(e)} | {summary(p)} | {statistics.median(e) / statistics.median(p):.2f} "
                  f"| {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) |")
        else:
            print(f"| {task} | {n} | {summary(e)} | skipped | - | - |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch_version, "rounds": args.rounds, "omp_wait_policy": policy,
                       "results": [{"task": t, "threads": n, **v} for (t, n), v in results.items()]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
