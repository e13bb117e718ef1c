#!/usr/bin/env python3
"""The engine's CPU convolutions against PyTorch's, layer by layer, run alternately.

Every conv layer of the tiny preset's encoder (both channels, six blocks each,
at the quick start's batch 8 x 8 frames x 56 x 56), forward and backward (the
gradients training computes: filter and bias, and the input's except for each
channel's first layer). For each thread count, every round runs
build/bin/engine_bench's BM_Conv3dForward / BM_Conv3dBackward and
bench/engine/pytorch_reference.py --json one after the other (the side that
goes first alternates by round), so that a machine whose speed drifts slows
both alike; OMP_NUM_THREADS (and torch.set_num_threads) are set per side.
Prints a markdown table per thread count: per layer the medians over the rounds
of each side's ms per call and the ratio PyTorch / engine of the medians (> 1:
the engine is faster; the target is >= 1.0 everywhere), then the sums over the
layers. Other jobs on the machine slow single rounds of either side (2x on a
2-core machine otherwise idle, 10x and more at 2 threads beside a build): use
more rounds, or --statistic min, and compare on a quiet machine.

    make bench-cpu-conv                       # builds engine_bench, then runs this
    GRAIN_PYTHON=/path/to/venv/bin/python make bench-cpu-conv
    python3 bench/compare_conv_layers.py --rounds 5 --threads 2 --layers 0,1,6
    python3 bench/compare_conv_layers.py --rounds 5 --statistic min --json conv.json

This script needs only the standard library; the peer needs PyTorch (CPU) in
$GRAIN_PYTHON (default python3; tests/python/README.md says how to install
it). Without it the engine side runs alone, with a message saying so. Each
measurement is the mean over at least --min-time seconds of calls after a
warm-up; the default run (3 rounds x 2 thread counts x 2 sides x 24
measurements) takes about 2 to 4 minutes on 2 cores.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

from bench_common import environment, has_torch, load_average

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = 12  # engine_bench's conv layer list: 0-5 cnn3d.conv1-6, 6-11 cnn2d.conv1-6
TIME_UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}

WAIT_POLICY = None  # OMP_WAIT_POLICY for both sides; None: as in the caller's environment


def run_engine(binary: str, layers: list, threads: int, min_time: float) -> dict:
    """{(pass, index): (label, ms)} for pass 'forward' / 'backward'."""
    pattern = "|".join(str(i) for i in layers)
    cmd = [binary, f"--benchmark_filter=^BM_Conv3d(Forward|Backward)/({pattern})/",
           f"--benchmark_min_time={min_time}", f"--benchmark_min_warmup_time={min(min_time, 0.1)}",
           "--benchmark_format=json"]
    out = subprocess.run(cmd, env=environment(threads, WAIT_POLICY), capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"compare_conv_layers: {' '.join(cmd)} failed (exit {out.returncode}):\n{out.stderr}")
    results = {}
    for b in json.loads(out.stdout)["benchmarks"]:
        name = b["run_name"] if "run_name" in b else b["name"]
        parts = name.split("/")
        if b.get("run_type", "iteration") != "iteration" or not parts[0].startswith("BM_Conv3d"):
            continue
        which = "forward" if parts[0] == "BM_Conv3dForward" else "backward"
        results[(which, int(parts[1]))] = (b.get("label", ""), b["real_time"] * TIME_UNIT_MS[b["time_unit"]])
    missing = [f"{w} {i}" for i in layers for w in ("forward", "backward") if (w, i) not in results]
    if missing:
        sys.exit(f"compare_conv_layers: {binary} printed no result for conv layer(s) {', '.join(missing)} "
                 "(an engine_bench without the 12 tiny-preset conv layers?)")
    return results


def run_peer(python: str, layers: list, threads: int, min_time: float) -> dict:
    script = os.path.join(ROOT, "bench", "engine", "pytorch_reference.py")
    cmd = [python, script, "--json", "--threads", str(threads), "--min-time", str(min_time),
           "--layers", ",".join(str(i) for i in layers)]
    out = subprocess.run(cmd, env=environment(threads, WAIT_POLICY), capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"compare_conv_layers: {' '.join(cmd)} failed (exit {out.returncode}):\n{out.stderr}")
    results = {}
    for row in json.loads(out.stdout.strip().splitlines()[-1])["layers"]:
        results[("forward", row["index"])] = (row["label"], row["forward_ms"])
        results[("backward", row["index"])] = (row["backward_label"], row["backward_ms"])
    return results


def check_labels(engine: dict, peer: dict) -> None:
    """The two sides must have timed the same shapes: their labels spell every size out."""
    for key, (label, _) in engine.items():
        if peer[key][0] != label:
            sys.exit(f"compare_conv_layers: {key[0]} of layer {key[1]}: engine_bench timed '{label}', "
                     f"pytorch_reference.py '{peer[key][0]}'; the two layer lists disagree")


STATISTIC = statistics.median  # over the rounds; --statistic min: the least disturbed round


def ratio(peer_ms: list, engine_ms: list) -> str:
    return f"{STATISTIC(peer_ms) / STATISTIC(engine_ms):.2f}" if peer_ms else "-"


def ms(values: list) -> str:
    return f"{STATISTIC(values):.3f}" if values else "skipped"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--layers", default=",".join(str(i) for i in range(LAYERS)),
                        help="comma-separated layer indices: 0-5 cnn3d.conv1-6, 6-11 cnn2d.conv1-6 (default all)")
    parser.add_argument("--engine-bench", default=os.path.join(ROOT, "build", "bin", "engine_bench"))
    parser.add_argument("--python", default=os.environ.get("GRAIN_PYTHON", "python3"),
                        help="the interpreter with torch (default $GRAIN_PYTHON, else python3)")
    parser.add_argument("--min-time", type=float, default=0.2,
                        help="seconds of timed calls per measurement, both sides (default 0.2)")
    parser.add_argument("--wait-policy", choices=["passive", "active"],
                        help="OMP_WAIT_POLICY for both sides (default: the environment's); passive on a machine "
                             "busy with other jobs, where spinning threads slow both sides by large factors")
    parser.add_argument("--statistic", choices=["median", "min"], default="median",
                        help="over the rounds (default median); min: each side's fastest round, for a machine "
                             "whose other jobs only ever slow a measurement down")
    parser.add_argument("--json", help="also write every measurement to this file")
    args = parser.parse_args()
    try:
        threads = [int(t) for t in args.threads.split(",")]
        layers = [int(i) for i in args.layers.split(",")]
    except ValueError:
        parser.error("--threads and --layers: comma-separated integers expected")
    if args.rounds < 1 or any(t < 1 for t in threads):
        parser.error("--rounds and --threads must be >= 1")
    if any(i < 0 or i >= LAYERS for i in layers):
        parser.error(f"--layers: indices 0-{LAYERS - 1} expected, got '{args.layers}'")
    if args.min_time <= 0:
        parser.error("--min-time must be > 0")
    if not os.access(args.engine_bench, os.X_OK):
        sys.exit(f"compare_conv_layers: {args.engine_bench} not found; build it: "
                 "cmake --build build --target engine_bench")
    global WAIT_POLICY, STATISTIC
    WAIT_POLICY = args.wait_policy
    STATISTIC = min if args.statistic == "min" else statistics.median
    torch_version = has_torch(args.python)
    load_before = load_average()
    if not torch_version:
        print(f"compare_conv_layers: '{args.python}' cannot import torch: the PyTorch peer is SKIPPED, the engine "
              "runs alone (install PyTorch (CPU) as in tests/python/README.md and set GRAIN_PYTHON)")

    # results[n][(pass, index)][side]: ms per round
    results = {n: {(w, i): {"engine": [], "pytorch": []} for i in layers for w in ("forward", "backward")}
               for n in threads}
    labels = {}
    for r in range(args.rounds):
        for n in threads:
            sides = ["engine", "pytorch"] if torch_version else ["engine"]
            if r % 2:
                sides.reverse()
            got = {}
            for side in sides:
                got[side] = (run_engine(args.engine_bench, layers, n, args.min_time) if side == "engine"
                             else run_peer(args.python, layers, n, args.min_time))
                print(f"round {r + 1}/{args.rounds}  {n} thread(s)  {side:7s} done", flush=True)
            if "pytorch" in got:
                check_labels(got["engine"], got["pytorch"])
            for side, values in got.items():
                for key, (label, t) in values.items():
                    results[n][key][side].append(t)
                    if side == "engine":
                        labels[key] = label

    policy = WAIT_POLICY or os.environ.get("OMP_WAIT_POLICY") or "unset"
    statistic = "medians" if args.statistic == "median" else "minima"
    print(f"\nms per call, {statistic} of {args.rounds} alternating rounds; ratio = PyTorch / engine (> 1: the engine "
          f"is faster); PyTorch {torch_version or 'not run'}; OMP_WAIT_POLICY {policy}; 1-minute load average "
          f"{load_before} before, {load_average()} after")
    for n in threads:
        res = results[n]
        print(f"\n{n} thread(s)\n")
        print("| layer | engine fwd | PyTorch fwd | fwd ratio | engine bwd | PyTorch bwd | bwd ratio | backward |")
        print("|---|---|---|---|---|---|---|---|")
        for i in layers:
            f, b = res[("forward", i)], res[("backward", i)]
            grads = labels[("backward", i)].rsplit(" grads ", 1)[-1]
            print(f"| {labels[('forward', i)]} | {ms(f['engine'])} | {ms(f['pytorch'])} | "
                  f"{ratio(f['pytorch'], f['engine'])} | {ms(b['engine'])} | {ms(b['pytorch'])} | "
                  f"{ratio(b['pytorch'], b['engine'])} | {grads} |")
        if torch_version:
            total = {}
            for w in ("forward", "backward"):
                e = sum(STATISTIC(res[(w, i)]["engine"]) for i in layers)
                p = sum(STATISTIC(res[(w, i)]["pytorch"]) for i in layers)
                met = sum(STATISTIC(res[(w, i)]["pytorch"]) >= STATISTIC(res[(w, i)]["engine"]) for i in layers)
                total[w] = (e, p, met)
            (ef, pf, mf), (eb, pb, mb) = total["forward"], total["backward"]
            print(f"| sum of the layers | {ef:.3f} | {pf:.3f} | {pf / ef:.2f} | {eb:.3f} | {pb:.3f} | {pb / eb:.2f} "
                  f"| |")
            print(f"\nlayers at >= 1.0x PyTorch on {n} thread(s): forward {mf}/{len(layers)}, backward "
                  f"{mb}/{len(layers)}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch_version, "rounds": args.rounds, "omp_wait_policy": policy,
                       "statistic": args.statistic,
                       "results": [{"threads": n, "pass": w, "index": i, "label": labels[(w, i)], **v}
                                   for n in threads for (w, i), v in results[n].items()]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
