#!/usr/bin/env python3
"""Where the time of the engine's training step goes, from a perf profile.

Reads `perf script -F ip,sym` output (samples with call stacks, recorded with
--call-graph dwarf) on stdin and prints two tables: the share of the step's
samples by op and phase (forward, backward, optimizer), and by the innermost
kind of code (OpenBLAS GEMM and its packing, vol2col, col2vol, memcpy/memset,
page faults, the op's own loops). Only samples inside the timed step loop of
BM_TinyTrainingStep / BM_TinyCaptionTrainingStep count (not the model's
construction or initialisation). Standard library only.

    OMP_NUM_THREADS=1 perf record -F 499 --call-graph dwarf,16384 -o /tmp/step.data \\
        build/bin/engine_bench --benchmark_filter='^BM_TinyTrainingStep/'
    perf script -i /tmp/step.data -F ip,sym | python3 bench/engine/perf_step_breakdown.py

docs/performance.md, "Where the time goes", has a reading.
"""
import collections
import re
import sys

STEP = re.compile(r"BM_Tiny(Caption)?TrainingStep")
SETUP = re.compile(r"reset_parameters|ParameterStore::materialize|Tensor::uniform|Adam::Adam|VideoModel::VideoModel")
# The op a sample belongs to: the first of these met walking from the leaf to the root.
OPS = [
    ("conv3d", re.compile(r"conv3d_impl|conv_forward_cpu|conv_backward_cpu|grain::conv3d\b")),
    ("batch_norm", re.compile(r"grain::batch_norm\b")),
    ("relu/tanh/sigmoid", re.compile(r"\(anonymous namespace\)::activation\b|grain::relu\b")),
    ("max_pool", re.compile(r"max_pool_impl|grain::max_pool3d\b")),
    ("lstm", re.compile(r"grain::lstm\b|lstm_(forward|backward)")),
    ("linear", re.compile(r"grain::linear\b")),
    ("embedding", re.compile(r"grain::embedding\b")),
    ("sequence_nll", re.compile(r"grain::sequence_nll\b")),
    ("cross_entropy", re.compile(r"grain::cross_entropy\b")),
    ("time_average", re.compile(r"grain::time_average\b")),
    ("amax", re.compile(r"grain::amax\b")),
    ("concat/permute/reshape", re.compile(r"grain::(concat|permute|reshape|slice)\b")),
    ("add/scale", re.compile(r"grain::(add|scale)\b")),
    ("Adam", re.compile(r"Adam::step")),
    ("zero_grad", re.compile(r"zero_grad")),
    ("gradient accumulation", re.compile(r"accumulate_into_leaf|grain::add_into\b")),
]
# The innermost kind of code: the first of these met walking from the leaf.
KINDS = [
    ("OpenBLAS sgemm kernel", re.compile(r"sgemm_kernel")),
    ("OpenBLAS packing/beta", re.compile(r"sgemm_.*copy|sgemm_beta")),
    ("vol2col", re.compile(r"kernels::vol2col")),
    ("col2vol", re.compile(r"kernels::col2vol")),
    ("page faults (fresh memory)", re.compile(r"page_fault|clear_page|do_anonymous_page|handle_mm_fault")),
    ("memcpy/memset", re.compile(r"__mem(move|cpy|set)")),
    ("kernel (other)", re.compile(r"\[kernel|^(__)?(sys|do_|x64_sys|entry_SYSCALL)")),
]


def samples(stream):
    frames = []
    for line in stream:
        if not line.strip():
            if frames:
                yield frames
            frames = []
        elif line[0] in " \t":
            parts = line.strip().split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else "")
        else:  # a sample header (when -F has comm/time fields)
            if frames:
                yield frames
            frames = []
    if frames:
        yield frames


def classify(frames):
    """(op, phase, kind) of one sample (frames leaf first), or None outside the step loop."""
    if not any(STEP.search(f) for f in frames) or any(SETUP.search(f) for f in frames):
        return None
    phase = ("backward" if any(re.search(r"grain::backward\b", f) for f in frames)
             else "optimizer" if any("Adam::step" in f or "zero_grad" in f for f in frames) else "forward")
    op = next((name for f in frames for name, pattern in OPS if pattern.search(f)), "other")
    kind = next((name for f in frames for name, pattern in KINDS if pattern.search(f)), None)
    if kind is None:
        kind = "the op's own loops" if op != "other" else "other"
    return op, phase, kind


def main() -> int:
    by_op, by_kind, by_op_kind = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for frames in samples(sys.stdin):
        c = classify(frames)
        if c is None:
            continue
        op, phase, kind = c
        total += 1
        by_op[(op, phase)] += 1
        by_kind[kind] += 1
        by_op_kind[(op, kind)] += 1
    if total == 0:
        sys.exit("perf_step_breakdown: no sample inside BM_Tiny*TrainingStep's loop "
                 "(record with --call-graph dwarf; feed `perf script -F ip,sym`)")
    print(f"{total} samples in the step loop\n")
    print("| op | phase | share of the step |\n|---|---|---|")
    for (op, phase), n in by_op.most_common():
        print(f"| {op} | {phase} | {100 * n / total:.1f}% |")
    print("\n| innermost code | share of the step |\n|---|---|")
    for kind, n in by_kind.most_common():
        print(f"| {kind} | {100 * n / total:.1f}% |")
    print("\n| op | innermost code | share of the step |\n|---|---|---|")
    for (op, kind), n in by_op_kind.most_common():
        if 100 * n / total >= 1.0:
            print(f"| {op} | {kind} | {100 * n / total:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
