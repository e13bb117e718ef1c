"""Times PyTorch's CPU conv3d (forward; backward as training computes it) on every
conv layer of the tiny preset, and its LSTM, on the same shapes as
build/bin/engine_bench (BM_Conv3dForward / BM_Conv3dBackward, BM_LstmForward /
BM_LstmBackward).

The conv layers are the encoder's as the quick start and configs/tiny/*.yaml
train it (batch 8 clips of 8 frames, 56 x 56 crops): both channels' six blocks
(docs/spec/model.md; models/video_encoder.cpp), the 3D channel's (3x3x3
kernels, time padded by 1) first, then the 2D channel's (1x3x3, no time
padding); widths 8, 16, 32, 64, 64, 64; space padded by 1 in blocks 1-3, each
followed by a (1, 2, 2) max pool. Layout: PyTorch's own (N, C, T, H, W).

  forward:  F.conv3d under no_grad, as the engine's conv3d under NoGradGuard;
  backward: aten::convolution_backward, the op autograd's ConvolutionBackward0
            calls, on a fixed dy with the output mask training uses: filter and
            bias gradients, and the input's except for each channel's first
            layer (its input is the clip, which needs no gradient).

Both sides count 2 flops per multiply-add; the backward counts data + filter
(the filter alone for the first layers), not the bias.

    OMP_NUM_THREADS=2 python3 bench/engine/pytorch_reference.py --threads 2   # table of GFLOP/s
    python3 bench/engine/pytorch_reference.py --threads 2 --json              # the conv layers, JSON

--json prints one JSON object: {"torch", "threads", "layers": [{"index",
"label", "forward_ms", "backward_label", "backward_ms"}]}, the labels as
engine_bench's (bench/compare_conv_layers.py checks they agree). A time is the
mean over calls repeated for at least --min-time seconds after an untimed
warm-up, as Google Benchmark's real time per iteration.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

BATCH, FRAMES, CROP, WIDTH = 8, 8, 56, 8  # the quick start's clips; c2 = c3 of the tiny preset
LSTM_FRAMES = 16                          # engine_bench's LSTM benchmarks (the preset's T)


def conv_layers():
    """The list engine_bench's tiny_conv_layers() builds, in the same order."""
    layers = []
    for channel, kt in (("cnn3d", 3), ("cnn2d", 1)):
        size, cin = CROP, 3
        for i, cout in enumerate([WIDTH, 2 * WIDTH, 4 * WIDTH, 8 * WIDTH, 8 * WIDTH, 8 * WIDTH]):
            pad = 1 if i < 3 else 0
            layers.append(dict(name=f"{channel}.conv{i + 1}", cin=cin, cout=cout, size=size, kt=kt, pad_t=kt // 2,
                               pad_hw=pad, input_is_data=i == 0))
            size = size + 2 * pad - 2
            if i < 3:
                size //= 2
            cin = cout
    return layers


def label(l):
    return (f"{l['name']} {l['cin']}->{l['cout']} @{l['size']} k{l['kt']}x3x3 p{l['pad_t']},{l['pad_hw']},"
            f"{l['pad_hw']} N{BATCH} T{FRAMES}")


def conv_flops(l):
    out = l["size"] + 2 * l["pad_hw"] - 2
    out_t = FRAMES + 2 * l["pad_t"] - l["kt"] + 1
    return 2.0 * BATCH * out_t * out * out * l["cout"] * l["cin"] * l["kt"] * 9


def mean_time(fn, min_time):
    # Untimed warm-up (first-call allocations, oneDNN's primitive set-up): at least one call and
    # min(0.1, min_time) seconds, as compare_conv_layers.py's --benchmark_min_warmup_time for engine_bench.
    start = time.perf_counter()
    while True:
        fn()
        if time.perf_counter() - start >= min(0.1, min_time):
            break
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time and calls >= 3:
            return elapsed / calls


def time_conv(l, min_time):
    """(forward s, backward s) of one layer."""
    gen = torch.Generator().manual_seed(1)
    x = torch.rand(BATCH, l["cin"], FRAMES, l["size"], l["size"], generator=gen) * 2 - 1
    w = (torch.rand(l["cout"], l["cin"], l["kt"], 3, 3, generator=gen) * 2 - 1) * 0.1
    b = torch.zeros(l["cout"])
    padding = [l["pad_t"], l["pad_hw"], l["pad_hw"]]
    with torch.no_grad():
        fwd = mean_time(lambda: F.conv3d(x, w, b, padding=padding), min_time)
        dy = torch.rand_like(F.conv3d(x, w, b, padding=padding)) * 2 - 1
        mask = [not l["input_is_data"], True, True]

        def backward():
            return torch.ops.aten.convolution_backward(dy, x, w, [l["cout"]], [1, 1, 1], padding, [1, 1, 1], False,
                                                       [0, 0, 0], 1, mask)

        bwd = mean_time(backward, min_time)
    return fwd, bwd


def time_lstm(min_time):
    lstm = torch.nn.LSTM(128, 64, num_layers=2, bidirectional=True, batch_first=True)
    x = torch.randn(BATCH, LSTM_FRAMES, 128, requires_grad=True)
    with torch.no_grad():
        fwd = mean_time(lambda: lstm(x), min_time)
    out, _ = lstm(x)
    bwd = mean_time(lambda: torch.autograd.grad(out, [x] + list(lstm.parameters()), torch.ones_like(out),
                                                retain_graph=True), min_time)
    return fwd, bwd


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds of timed calls per measurement")
    parser.add_argument("--layers", help="comma-separated conv layer indices (default all; 0-5 cnn3d, 6-11 cnn2d)")
    parser.add_argument("--json", action="store_true", help="the conv layers only, as one JSON object")
    args = parser.parse_args()
    if args.threads < 1:
        parser.error("--threads must be >= 1")
    layers = conv_layers()
    indices = list(range(len(layers)))
    if args.layers:
        try:
            indices = [int(i) for i in args.layers.split(",")]
        except ValueError:
            parser.error(f"--layers: comma-separated integers expected, got '{args.layers}'")
        if any(i < 0 or i >= len(layers) for i in indices):
            parser.error(f"--layers: indices 0-{len(layers) - 1} expected, got '{args.layers}'")
    torch.set_num_threads(args.threads)

    if args.json:
        rows = []
        for i in indices:
            l = layers[i]
            fwd, bwd = time_conv(l, args.min_time)
            rows.append({"index": i, "label": label(l), "forward_ms": fwd * 1e3,
                         "backward_label": label(l) + (" grads w,b" if l["input_is_data"] else " grads x,w,b"),
                         "backward_ms": bwd * 1e3})
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                          "mkldnn": torch.backends.mkldnn.is_available(), "layers": rows}))
        return

    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"mkldnn {torch.backends.mkldnn.is_available()}")
    for i in indices:
        l = layers[i]
        fwd, bwd = time_conv(l, args.min_time)
        flops = conv_flops(l)
        bwd_flops = flops if l["input_is_data"] else 2 * flops
        print(f"{i:2d} {label(l):42s} forward {fwd * 1e3:8.2f} ms {flops / fwd / 1e9:7.1f} GFLOP/s   "
              f"backward {bwd * 1e3:8.2f} ms {bwd_flops / bwd / 1e9:7.1f} GFLOP/s")
    fwd, bwd = time_lstm(args.min_time)
    flops = 2.0 * 2 * 2 * BATCH * LSTM_FRAMES * (128 + 64) * 256
    print(f"   {'lstm 2x bi 64, T ' + str(LSTM_FRAMES):42s} forward {fwd * 1e3:8.2f} ms {flops / fwd / 1e9:7.1f} "
          f"GFLOP/s   backward {bwd * 1e3:8.2f} ms {2 * flops / bwd / 1e9:7.1f} GFLOP/s")


if __name__ == "__main__":
    main()
