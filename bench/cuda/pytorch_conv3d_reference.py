"""PyTorch's cuDNN conv3d on the paper preset's layer shapes, for comparison
with build/bin/conv3d_bench on the same card (docs/performance.md).

Development only (the build never needs Python). On a GPU machine with PyTorch:
    python3 bench/cuda/pytorch_conv3d_reference.py
Batch 16, T 48, float32 with TF32 off (as conv3d_bench), channels-last 3D
memory format (NDHWC, as the engine) and cudnn.benchmark on (autotuning);
median of 20 timed runs after warm-up, CUDA-event timing.
"""
import torch

torch.backends.cudnn.benchmark = True
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
N, T = 16, 48
SIZES = [96, 48, 24, 12, 10, 8]


def median_ms(fn, runs=20):
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record(); torch.cuda.synchronize()
        times.append(a.elapsed_time(b))
    return sorted(times)[len(times) // 2]


print(f"torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}, {torch.cuda.get_device_name()}")
for three_d in (True, False):
    cin = 3
    for layer, cout in enumerate([32, 64, 128, 256, 256, 256]):
        size = SIZES[layer]
        kt, pt = (3, 1) if three_d else (1, 0)
        pad = (pt, 1, 1) if layer < 3 else (pt, 0, 0)
        conv = torch.nn.Conv3d(cin, cout, (kt, 3, 3), padding=pad).cuda().to(memory_format=torch.channels_last_3d)
        x = torch.randn(N, cin, T, size, size, device="cuda").to(memory_format=torch.channels_last_3d)
        x.requires_grad_(True)
        y = conv(x)
        out = y.shape[-1]
        flops = 2.0 * N * T * out * out * cout * cin * kt * 9
        g = torch.randn_like(y)
        with torch.no_grad():
            fwd = median_ms(lambda: conv(x))
        bwd_data = median_ms(lambda: torch.autograd.grad(y, x, g, retain_graph=True))
        bwd_filter = median_ms(lambda: torch.autograd.grad(y, conv.weight, g, retain_graph=True))
        name = f"{'3d' if three_d else '2d'}_conv{layer + 1}"
        print(f"{name:9s} fwd {fwd:7.3f} ms {flops / fwd / 1e9:6.2f} TFLOP/s | bwd_data {bwd_data:7.3f} ms "
              f"{flops / bwd_data / 1e9:6.2f} | bwd_filter {bwd_filter:7.3f} ms {flops / bwd_filter / 1e9:6.2f}")
        cin = cout
