"""Times PyTorch's CPU conv3d (forward, and backward data + filter) and LSTM
on the same shapes as build/bin/engine_bench, for docs/performance.md.

Run by hand (development only; the build never needs Python):
    OMP_NUM_THREADS=2 python3 bench/engine/pytorch_reference.py
Reports GFLOP/s with the same flop counts as engine_bench (2 per multiply-add).
"""
import time

import torch

torch.set_num_threads(2)
BATCH, FRAMES = 8, 16
SHAPES = [  # name, cin, cout, size, pad_hw (kernel 3x3x3, time padding 1)
    ("conv1 3->8 @56", 3, 8, 56, 1), ("conv2 8->16 @28", 8, 16, 28, 1),
    ("conv3 16->32 @14", 16, 32, 14, 1), ("conv4 32->64 @7", 32, 64, 7, 0),
    ("conv5 64->64 @5", 64, 64, 5, 0), ("conv6 64->64 @3", 64, 64, 3, 0),
]


def median_time(fn, min_time=1.0):
    fn()  # warm-up
    times, start = [], time.perf_counter()
    while time.perf_counter() - start < min_time or len(times) < 3:
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def main():
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for name, cin, cout, size, pad in SHAPES:
        out = size + 2 * pad - 2
        flops = 2.0 * BATCH * FRAMES * out * out * cout * cin * 27
        conv = torch.nn.Conv3d(cin, cout, 3, padding=(1, pad, pad))
        x = torch.randn(BATCH, cin, FRAMES, size, size, requires_grad=True)
        with torch.no_grad():
            fwd = median_time(lambda: conv(x))
        y = conv(x)
        g = torch.ones_like(y)

        def backward():
            torch.autograd.grad(y, [x, conv.weight, conv.bias], g, retain_graph=True)

        bwd = median_time(backward)
        print(f"{name:18s} forward {fwd*1e3:8.2f} ms {flops/fwd/1e9:7.1f} GFLOP/s   "
              f"backward {bwd*1e3:8.2f} ms {2*flops/bwd/1e9:7.1f} GFLOP/s")
    lstm = torch.nn.LSTM(128, 64, num_layers=2, bidirectional=True, batch_first=True)
    x = torch.randn(BATCH, FRAMES, 128, requires_grad=True)
    flops = 2.0 * 2 * 2 * BATCH * FRAMES * (128 + 64) * 256
    with torch.no_grad():
        fwd = median_time(lambda: lstm(x))
    out, _ = lstm(x)
    bwd = median_time(lambda: torch.autograd.grad(out, [x] + list(lstm.parameters()), torch.ones_like(out),
                                                  retain_graph=True))
    print(f"{'lstm 2x bi 64':18s} forward {fwd*1e3:8.2f} ms {flops/fwd/1e9:7.1f} GFLOP/s   "
          f"backward {bwd*1e3:8.2f} ms {2*flops/bwd/1e9:7.1f} GFLOP/s")


if __name__ == "__main__":
    main()
