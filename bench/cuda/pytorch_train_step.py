"""PyTorch's peer of build/bin/train_step_bench: one whole training step
(forward, loss, backward, Adam) of the same model at the same shapes, timed
the same way; prints one JSON line.

    python3 bench/cuda/pytorch_train_step.py --device cuda --preset paper --task cg_classes --mode bf16
    python3 bench/cuda/pytorch_train_step.py --device cpu --preset tiny --mode fp32 --steps 3   # smoke test

The model is python/grain_torch.py's VideoModel (the PyTorch definition the
reference tests load checkpoints into), built from grain_torch.model_preset
with the task's heads; the batch is bench/train_step_setup.h's: clips uniform
in [0, 4) in the engine's layout (N, T, H, W, 3), which grain_torch takes and
permutes, class i = (stride x i) mod classes, row i of the captions 5 + (i mod
8) words then the end token and padding; loss w_class x cross-entropy +
w_caption x the caption NLL summed over the scored tokens and averaged over the
batch; torch.optim.Adam(lr=1e-3) with its defaults. The initial weights are
PyTorch's own (the engine's seed cannot be reproduced here); speed does not
depend on them.

Modes (--mode):
  fp32     float32, TF32 off in cuDNN and cuBLAS (as the engine's --mode fp32);
           cudnn.benchmark off (PyTorch's default).
  tf32     float32 with TF32 allowed in cuDNN and cuBLAS (the engine's --mode tf32).
  bf16     autocast to bfloat16 around forward and loss, the conv weights in
           channels_last_3d, cudnn.benchmark on, TF32 allowed for what autocast
           leaves in float32. Parameters and Adam stay float32 (no grad scaler:
           bfloat16 needs none).
  compile  bf16 with the model wrapped in torch.compile (default options); the
           warm-up steps include the compilation (warmup_s).
The engine computes in float32 only: compare it with fp32 and tf32; bf16 and
compile say what PyTorch reaches with mixed precision.

Sizes: --preset paper: batch 16, 48 frames, 96 x 96; tiny: batch 8, 8 frames,
56 x 56; small: batch 8, the preset's 24 frames; --batch and --frames override.
Timing: --warmup steps untimed, then --steps steps, each from its start until
the device has finished it (loss.item(), then torch.cuda.synchronize);
clips_per_s = batch x steps / their total; step_ms_median, step_ms_min.
Memory (CUDA; null on the CPU), bytes: peak_bytes = torch.cuda.max_memory_allocated
over the timed steps (the peak is reset after the warm-up, as the engine's),
peak_bytes_with_warmup over the whole run (cudnn.benchmark's and compile's
trials included), reserved_bytes = torch.cuda.memory_reserved at the end,
device_used_bytes = total - free of torch.cuda.mem_get_info at the end.
bench/compare_gpu_train_step.py runs this and the engine alternately.
"""
import argparse
import contextlib
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import grain_torch  # noqa: E402

# bench/train_step_setup.cpp's step_task: classes, vocabulary, caption length, label stride, loss weights.
TASKS = {
    "cg_classes": (10, 0, 0, 1, (1.0, 0.0)),
    "fg_captions": (34, 88, 14, 7, (1.0, 0.0773)),
}
MODES = ("fp32", "tf32", "bf16", "compile")


def batch_tensors(batch: int, classes: int, vocabulary: int, length: int, stride: int, config, device):
    """The engine's fixed batch (bench/train_step_setup.cpp), on `device`."""
    generator = torch.Generator().manual_seed(5)
    clips = torch.rand(batch, config.frames, config.crop, config.crop, 3, generator=generator) * 4
    labels = torch.tensor([(stride * i) % classes for i in range(batch)])
    inputs = targets = mask = None
    if vocabulary:
        first_word = grain_torch.UNKNOWN + 1
        tokens = torch.full((batch, length), grain_torch.PAD, dtype=torch.long)
        for i in range(batch):
            words = 5 + i % 8
            for k in range(words):
                tokens[i, k] = first_word + (11 * i + 5 * k) % (vocabulary - first_word)
            tokens[i, words] = grain_torch.END
        inputs = torch.cat([torch.full((batch, 1), grain_torch.START, dtype=torch.long), tokens[:, :-1]], dim=1)
        targets, mask = tokens, (tokens != grain_torch.PAD).float()
        inputs, targets, mask = inputs.to(device), targets.to(device), mask.to(device)
    return clips.to(device), labels.to(device), inputs, targets, mask


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--preset", choices=sorted(grain_torch.PRESETS), default="paper")
    parser.add_argument("--task", choices=sorted(TASKS), default="cg_classes")
    parser.add_argument("--mode", choices=MODES, default="fp32")
    parser.add_argument("--batch", type=int, default=0, help="clips per step (default: the preset's step)")
    parser.add_argument("--frames", type=int, default=0, help="frames per clip (default: the preset's step)")
    parser.add_argument("--steps", type=int, default=20, help="timed steps")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (CPU; default: torch's)")
    args = parser.parse_args()
    if args.batch < 0 or args.frames < 0 or args.steps < 1 or args.warmup < 0 or args.threads < 0:
        parser.error("--batch, --frames, --warmup and --threads must be >= 0, --steps >= 1")
    if args.mode == "tf32" and args.device == "cpu":
        parser.error("--mode tf32 needs --device cuda (TF32 is a GPU math mode)")
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("pytorch_train_step: --device cuda: torch.cuda.is_available() is False "
                 f"(torch {torch.__version__}, built for CUDA {torch.version.cuda})")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    mixed = args.mode in ("bf16", "compile")
    if cuda:
        allow_tf32 = args.mode != "fp32"
        torch.backends.cuda.matmul.allow_tf32 = allow_tf32
        torch.backends.cudnn.allow_tf32 = allow_tf32
        torch.backends.cudnn.benchmark = mixed

    classes, vocabulary, length, stride, (w_class, w_caption) = TASKS[args.task]
    config = grain_torch.model_preset(args.preset)
    # The preset's training step: paper as configs/*.yaml train it, tiny as the quick start.
    batch = args.batch or (16 if args.preset == "paper" else 8)
    if args.preset == "tiny":
        config.frames = 8
    if args.frames:
        config.frames = args.frames
    config.num_classes, config.vocabulary = classes, vocabulary
    if vocabulary:
        config.caption_length = length
    torch.manual_seed(0)
    model = grain_torch.VideoModel(config).to(device)
    model.train()
    if mixed:
        model = model.to(memory_format=torch.channels_last_3d)
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    if args.mode == "compile":
        model = torch.compile(model)
    clips, labels, inputs, targets, mask = batch_tensors(batch, classes, vocabulary, length, stride, config, device)

    def autocast():
        return torch.autocast(device.type, dtype=torch.bfloat16) if mixed else contextlib.nullcontext()

    def step() -> float:
        adam.zero_grad()
        with autocast():
            out = model(clips, inputs)
            loss = w_class * F.cross_entropy(out.class_logits, labels)
            if vocabulary:
                nll = F.cross_entropy(out.caption_logits.reshape(-1, vocabulary).float(), targets.reshape(-1),
                                      reduction="none")
                loss = loss + w_caption * (nll * mask.reshape(-1)).sum() / batch
        loss.backward()
        adam.step()
        value = loss.item()
        if cuda:
            torch.cuda.synchronize(device)
        return value

    first_loss = last_loss = None
    start = time.perf_counter()
    for i in range(args.warmup):
        value = step()
        if i == 0:
            first_loss = value
    warmup_s = time.perf_counter() - start
    peak_warmup = 0
    if cuda:
        peak_warmup = torch.cuda.max_memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
    times = []
    for i in range(args.steps):
        t = time.perf_counter()
        last_loss = step()
        times.append(time.perf_counter() - t)
        if first_loss is None:
            first_loss = last_loss

    memory = dict(peak_bytes=None, peak_bytes_with_warmup=None, reserved_bytes=None, device_used_bytes=None,
                  memory_source=None)
    if cuda:
        peak = torch.cuda.max_memory_allocated(device)
        free, total = torch.cuda.mem_get_info(device)
        memory = dict(peak_bytes=peak, peak_bytes_with_warmup=max(peak, peak_warmup),
                      reserved_bytes=torch.cuda.memory_reserved(device), device_used_bytes=total - free,
                      memory_source="torch.cuda.max_memory_allocated (peak); mem_get_info (device used)")
    print(json.dumps({
        "side": "pytorch", "device": str(device) + (":0" if cuda and device.index is None else ""),
        "device_name": torch.cuda.get_device_name(device) if cuda else "cpu",
        "preset": args.preset, "task": args.task, "mode": args.mode, "batch": batch, "frames": config.frames,
        "crop": config.crop, "warmup": args.warmup, "warmup_s": round(warmup_s, 4), "steps": args.steps,
        "clips_per_s": round(batch * len(times) / sum(times), 4),
        "step_ms_median": round(1e3 * statistics.median(times), 4), "step_ms_min": round(1e3 * min(times), 4),
        "loss_first": first_loss, "loss_last": last_loss, **memory,
        "torch": torch.__version__, "cudnn": torch.backends.cudnn.version() if cuda else None,
        "threads": torch.get_num_threads(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
