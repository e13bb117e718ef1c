"""PyTorch's CPU peer of one whole training step of the tiny preset, for the
engine's BM_TinyTrainingStep (--task cg_classes, the quick start's step) and
BM_TinyCaptionTrainingStep (--task fg_captions) in bench/engine/engine_bench.cpp.

The model is written here from the architecture (docs/spec/model.md), sharing
no code with the engine or with python/grain_torch.py:
  - two channels, each six blocks of Conv3d -> BatchNorm3d (batch statistics)
    -> ReLU, widths 8, 16, 32, 64, 64, 64; the 3D channel has 3x3x3 kernels
    (time padded by 1 everywhere, space by 1 in the first three blocks), the
    2D channel 1x3x3 kernels (the same spatial padding, no time padding);
    max pool (1, 2, 2) after blocks 1-3; global max over the last H x W;
  - the two channels' (N, T, 64) features side by side (2D first): (N, T, 128);
  - a bidirectional 2-layer LSTM of hidden 64, its outputs averaged over time:
    the encoding h (N, 128);
  - cg_classes: a linear classifier over the 10 groups, cross-entropy;
  - fg_captions: a classifier over the 34 categories plus the caption decoder:
    init_h / init_c = tanh(Linear(128, 2 x 128)) for its 2 layers, the input
    at each of the 14 steps [embedding 256 of the previous token; h], a 2-layer
    LSTM of hidden 128, a linear output over the 88-token vocabulary; loss
    1.0 x cross-entropy + 0.0773 x the caption NLL summed over the scored
    tokens and averaged over the batch (configs/tiny/fg_captions.yaml).
Batch 8 clips of 8 frames of 56 x 56 pixels, Adam (lr 1e-3), float32.

The clips are fed in PyTorch's own layout (N, 3, T, H, W), so no layout change
is timed. A step is zero_grad, forward, loss, backward, optimizer step, and
the loss read back as a Python float (the engine's model_loss reads it too).

    python3 bench/engine/pytorch_train_step.py --task cg_classes --threads 2

prints one JSON line: {"task": ..., "threads": ..., "steps": ..., "seconds": ...,
"clips_per_s": ...}. --profile STEPS prints torch.profiler's table of ops
instead (where PyTorch's step spends its time). Timing: --warmup steps untimed, then steps until at least
--min-time seconds have passed (at least --min-steps); clips/s = batch x steps /
the elapsed wall time, as Google Benchmark's rate counter in engine_bench.
Run both sides alternately with bench/compare_train_step.py.
"""
import argparse
import json
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

BATCH, FRAMES, CROP = 8, 8, 56
WIDTH = 8              # c2 = c3 of the tiny preset
LSTM_HIDDEN, LSTM_LAYERS = 64, 2
DECODER_HIDDEN, DECODER_LAYERS, EMBEDDING = 128, 2, 256
CAPTION_LENGTH = 14    # tokens including the end token
TASKS = {  # classes, vocabulary (0: no decoder), loss weights (classification, caption)
    "cg_classes": (10, 0, (1.0, 0.0)),
    "fg_captions": (34, 88, (1.0, 0.0773)),
}
PAD, START, END, FIRST_WORD = 0, 1, 2, 4


def channel(three_d: bool) -> nn.ModuleList:
    widths = [WIDTH, 2 * WIDTH, 4 * WIDTH, 8 * WIDTH, 8 * WIDTH, 8 * WIDTH]
    blocks, cin = [], 3
    for i, cout in enumerate(widths):
        pad = 1 if i < 3 else 0
        kernel = (3, 3, 3) if three_d else (1, 3, 3)
        padding = (1 if three_d else 0, pad, pad)
        blocks.append(nn.Sequential(nn.Conv3d(cin, cout, kernel, padding=padding), nn.BatchNorm3d(cout),
                                    nn.ReLU()))
        cin = cout
    return nn.ModuleList(blocks)


class TinyModel(nn.Module):
    def __init__(self, classes: int, vocabulary: int):
        super().__init__()
        self.cnn2d, self.cnn3d = channel(False), channel(True)
        self.pool = nn.MaxPool3d((1, 2, 2))
        self.lstm = nn.LSTM(16 * WIDTH, LSTM_HIDDEN, num_layers=LSTM_LAYERS, bidirectional=True, batch_first=True)
        width = 2 * LSTM_HIDDEN
        self.classifier = nn.Linear(width, classes)
        self.vocabulary = vocabulary
        if vocabulary:
            self.embedding = nn.Embedding(vocabulary, EMBEDDING)
            self.init_h = nn.Linear(width, DECODER_LAYERS * DECODER_HIDDEN)
            self.init_c = nn.Linear(width, DECODER_LAYERS * DECODER_HIDDEN)
            self.decoder = nn.LSTM(EMBEDDING + width, DECODER_HIDDEN, num_layers=DECODER_LAYERS, batch_first=True)
            self.output = nn.Linear(DECODER_HIDDEN, vocabulary)

    def run_channel(self, blocks: nn.ModuleList, x: torch.Tensor) -> torch.Tensor:
        for i, block in enumerate(blocks):
            x = block(x)
            if i < 3:
                x = self.pool(x)
        return x.amax(dim=(3, 4)).transpose(1, 2)  # (N, C, T) -> (N, T, C)

    def forward(self, clips: torch.Tensor, caption_inputs=None):
        features = torch.cat([self.run_channel(self.cnn2d, clips), self.run_channel(self.cnn3d, clips)], dim=2)
        h = self.lstm(features)[0].mean(dim=1)
        logits = self.classifier(h)
        if caption_inputs is None:
            return logits, None
        n, length = caption_inputs.shape

        def state(linear):  # (N, layers x H) -> (layers, N, H)
            return torch.tanh(linear(h)).view(n, DECODER_LAYERS, DECODER_HIDDEN).transpose(0, 1).contiguous()

        inputs = torch.cat([self.embedding(caption_inputs), h.unsqueeze(1).expand(n, length, h.shape[1])], dim=2)
        out = self.decoder(inputs, (state(self.init_h), state(self.init_c)))[0]
        return logits, self.output(out)


def captions(classes: int, vocabulary: int):
    """The engine bench's fixed captions: row i has 5 + i words, then the end token and padding."""
    tokens = torch.full((BATCH, CAPTION_LENGTH), PAD, dtype=torch.long)
    for i in range(BATCH):
        words = 5 + i
        for k in range(words):
            tokens[i, k] = FIRST_WORD + (11 * i + 5 * k) % (vocabulary - FIRST_WORD)
        tokens[i, words] = END
    inputs = torch.cat([torch.full((BATCH, 1), START, dtype=torch.long), tokens[:, :-1]], dim=1)
    mask = (tokens != PAD).float()
    labels = torch.tensor([(7 * i) % classes for i in range(BATCH)])
    return inputs, tokens, mask, labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="cg_classes")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--min-time", type=float, default=3.0, help="seconds of timed steps, at least")
    parser.add_argument("--min-steps", type=int, default=3, help="timed steps, at least")
    parser.add_argument("--profile", type=int, default=0, metavar="STEPS",
                        help="instead of timing, run STEPS steps under torch.profiler and print its op table")
    args = parser.parse_args()
    if args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    classes, vocabulary, (w_class, w_caption) = TASKS[args.task]
    model = TinyModel(classes, vocabulary)
    model.train()
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    clips = torch.rand(BATCH, 3, FRAMES, CROP, CROP) * 4
    inputs, targets, mask, labels = captions(classes, vocabulary or 5)

    def step() -> float:
        adam.zero_grad()
        logits, caption_logits = model(clips, inputs if vocabulary else None)
        loss = w_class * F.cross_entropy(logits, labels)
        if caption_logits is not None:
            nll = F.cross_entropy(caption_logits.reshape(-1, vocabulary), targets.reshape(-1), reduction="none")
            loss = loss + w_caption * (nll * mask.reshape(-1)).sum() / BATCH
        loss.backward()
        adam.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    if args.profile > 0:
        from torch.profiler import ProfilerActivity, profile
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for _ in range(args.profile):
                step()
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))
        return 0
    steps, start = 0, time.perf_counter()
    while steps < args.min_steps or time.perf_counter() - start < args.min_time:
        step()
        steps += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"task": args.task, "threads": torch.get_num_threads(), "steps": steps,
                      "seconds": round(seconds, 4), "clips_per_s": round(BATCH * steps / seconds, 3),
                      "torch": torch.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
