"""The grain video model in PyTorch, under the checkpoint's names, so a run of
the C++ trainer can be loaded, inspected and used from Python.

    import grain_torch
    model = grain_torch.load_checkpoint("runs/cg_classes")     # run folder or ckpt-<step>/
    clip = grain_torch.preprocess_clip(frames, model.config)   # frames: uint8 (F, H, W, 3)
    out = model(clip[None])                                    # h, class_logits, caption_logits
    words = model.decoder.greedy(out.h, model.config.caption_length)

What it mirrors (docs/model.md, docs/checkpoints.md):
  models/video_encoder.*   VideoEncoder: a 3D-CNN channel (3x3x3 kernels) and a
                           per-frame 2D-CNN channel (1x3x3), six conv + batch
                           norm + ReLU blocks each, (1,2,2) max pools after the
                           first three, a global spatial max after the sixth;
                           the 2D features come first in the per-step
                           concatenation; a bidirectional LSTM whose outputs are
                           averaged over time gives h.
  models/caption_decoder.* CaptionDecoder: input [embed(w_{i-1}); h] at every
                           step, initial states tanh(linear(h)) per layer,
                           teacher forcing and greedy decoding.
  models/video_model.*     VideoModel: encoder.*, classifier.* (when there are
                           classes) and decoder.* (when there is a vocabulary).
  models/model_config.*    the presets paper / small / tiny and their checks.
  train/                   how a run's config.yaml sets the sizes; classes and
                           vocabulary come from the data, so they are read from
                           the checkpoint (classifier.weight, vocabulary.json).
  data/loader/preprocess.* evaluation preprocessing: the centred T-frame window
                           (short clips padded by repeating the first and last
                           frames), the centred crop, float = pixel / pixel_scale.

Layouts are PyTorch's: the checkpoint's tensors load with
`load_state_dict(..., strict=True)`. The engine stores no
`num_batches_tracked`; BatchNorm fills it in (0) when it is absent, and
`checkpoint_state_dict()` leaves it out, so a state dict written from here
loads in the engine. The clip input is channels-last (N, T, H, W, 3), as the
engine takes it.

Needs torch and numpy; yaml (PyYAML) and safetensors for load_checkpoint.
Nothing in the C++ build depends on this file.
"""
from __future__ import annotations

import dataclasses
import fractions
import hashlib
import json
import os
import re
from typing import NamedTuple, Optional, Sequence

import torch
from torch import nn
from torch.nn import functional as F

# Special caption tokens (data/ssv2/vocabulary.h).
PAD, START, END, UNKNOWN = 0, 1, 2, 3

TASKS = ("cg_classes", "fg_classes", "so_captions", "fg_captions")
CAPTION_TASKS = ("so_captions", "fg_captions")


# ----------------------------------------------------------------------------
# Configuration
# ----------------------------------------------------------------------------

@dataclasses.dataclass
class ModelConfig:
    """The architecture's sizes, field for field models/model_config.h."""
    preset: str = "tiny"
    frames: int = 16          # T
    resize: int = 64          # frames resized to resize x resize
    crop: int = 56            # then cropped to crop x crop
    width_2d: int = 8         # c2 (0 switches the 2D channel off)
    width_3d: int = 8         # c3 (0 switches the 3D channel off)
    lstm_hidden: int = 64     # encoder LSTM hidden size per direction
    lstm_layers: int = 2
    decoder_hidden: int = 128
    decoder_layers: int = 2
    embedding: int = 256
    caption_length: int = 14  # tokens including the end token
    num_classes: int = 0      # from the dataset; 0 = no classifier
    vocabulary: int = 0       # from the vocabulary; 0 = no decoder
    pixel_scale: float = 64.0  # preprocessing: float input = pixel / pixel_scale
    fps: float = 12.0          # preprocessing: frame rate clips are resampled to


PRESETS = {
    "paper": dict(frames=48, resize=128, crop=96, width_2d=32, width_3d=32, lstm_hidden=512, decoder_hidden=1024),
    "small": dict(frames=24, resize=80, crop=64, width_2d=16, width_3d=16, lstm_hidden=128, decoder_hidden=256),
    "tiny": dict(frames=16, resize=64, crop=56, width_2d=8, width_3d=8, lstm_hidden=64, decoder_hidden=128),
}


def model_preset(name: str) -> ModelConfig:
    if name not in PRESETS:
        raise ValueError(f"model.preset: unknown preset '{name}' (expected paper, small or tiny)")
    return ModelConfig(preset=name, **PRESETS[name])


def encoder_final_spatial(crop: int) -> int:
    """Spatial size left after three pools and three unpadded 3x3 convs (96 -> 6, 56 -> 1)."""
    return crop // 2 // 2 // 2 - 6


def validate_model_config(c: ModelConfig) -> None:
    """The checks of validate_model_config in models/model_config.cpp."""
    if c.width_2d < 0 or c.width_3d < 0 or c.width_2d + c.width_3d <= 0:
        raise ValueError(f"model.width_2d / model.width_3d: at least one channel must have width > 0, "
                         f"got {c.width_2d} / {c.width_3d}")
    if c.frames < 1:
        raise ValueError(f"model.frames must be >= 1, got {c.frames}")
    if c.crop > c.resize:
        raise ValueError(f"model.crop {c.crop} is larger than model.resize {c.resize}")
    if encoder_final_spatial(c.crop) < 1:
        raise ValueError(f"model.crop {c.crop} is too small: the crop must be at least 56")
    if c.lstm_hidden < 1 or c.lstm_layers < 1:
        raise ValueError("model.lstm_hidden and model.lstm_layers must be >= 1")
    if c.vocabulary and (c.decoder_hidden < 1 or c.decoder_layers < 1 or c.embedding < 1):
        raise ValueError("model.decoder_hidden, model.decoder_layers and model.embedding must be >= 1")
    if c.caption_length < 2:
        raise ValueError(f"model.caption_length must be >= 2, got {c.caption_length}")


def model_config_from_run(config: dict, num_classes: int = 0, vocabulary: int = 0,
                          source: str = "config") -> ModelConfig:
    """The ModelConfig a run's config (config.yaml as a dict) describes, as
    read_trainer_config builds it: the preset, then every size that is not
    -1 ("the preset's"); the layer counts, embedding and caption length have
    the schema's defaults. Classes and vocabulary come from the data."""
    model = config.get("model") or {}
    dataset = config.get("dataset") or {}
    c = model_preset(str(model.get("preset", "tiny")))
    for key in ("frames", "resize", "crop", "width_2d", "width_3d", "lstm_hidden", "decoder_hidden"):
        value = int(model.get(key, -1))
        if value < -1:
            raise ValueError(f"{source}: key 'model.{key}' must be >= 0 (or -1 for the preset's), got {value}")
        if value != -1:
            setattr(c, key, value)
    c.lstm_layers = int(model.get("lstm_layers", 2))
    c.decoder_layers = int(model.get("decoder_layers", 2))
    c.embedding = int(model.get("embedding", 256))
    c.caption_length = int(model.get("caption_length", 14))
    c.pixel_scale = float(dataset.get("pixel_scale", 64))
    c.fps = float(dataset.get("fps", 12))
    c.num_classes, c.vocabulary = int(num_classes), int(vocabulary)
    try:
        validate_model_config(c)
    except ValueError as e:
        raise ValueError(f"{source}: {e}") from None
    return c


# ----------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------

class ConvBlock(nn.Module):
    """conv (Conv3d) -> bn (BatchNorm3d, momentum 0.1, eps 1e-5) -> ReLU (layers/conv_block.h)."""

    def __init__(self, cin: int, cout: int, kernel: Sequence[int], padding: Sequence[int]):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, tuple(kernel), padding=tuple(padding))
        self.bn = nn.BatchNorm3d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x)))


class Channel(nn.Module):
    """Six blocks of widths c, 2c, 4c, 8c, 8c, 8c (conv1..conv6). The 3D channel
    pads time by 1 everywhere; space is padded by 1 in the first three blocks;
    the 2D channel never pads time."""

    def __init__(self, width: int, three_d: bool):
        super().__init__()
        kt, pt = (3, 1) if three_d else (1, 0)
        cin = 3
        for i, w in enumerate([width, 2 * width, 4 * width, 8 * width, 8 * width, 8 * width]):
            pad = 1 if i < 3 else 0
            self.add_module(f"conv{i + 1}", ConvBlock(cin, w, (kt, 3, 3), (pt, pad, pad)))
            cin = w

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, 3, T, H, W) -> (N, T, 8c)."""
        for i, block in enumerate(self.children()):
            x = block(x)
            if i < 3:
                x = F.max_pool3d(x, (1, 2, 2))  # space halves (floor), time is kept
        return x.amax(dim=(3, 4)).transpose(1, 2)  # global max over the remaining H x W


class VideoEncoder(nn.Module):
    """cnn3d, cnn2d (absent when their width is 0) and a bidirectional LSTM."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        validate_model_config(config)
        self.config = config
        # Registered 3D first (the engine's declaration order); the features put 2D first.
        self.cnn3d = Channel(config.width_3d, True) if config.width_3d > 0 else None
        self.cnn2d = Channel(config.width_2d, False) if config.width_2d > 0 else None
        self.lstm = nn.LSTM(self.feature_width, config.lstm_hidden, num_layers=config.lstm_layers,
                            bidirectional=True, batch_first=True)

    @property
    def feature_width(self) -> int:
        return 8 * (self.config.width_2d + self.config.width_3d)

    @property
    def output_width(self) -> int:
        return 2 * self.config.lstm_hidden

    def features(self, clip: torch.Tensor) -> torch.Tensor:
        """clip (N, T, H, W, 3) -> per-step features (N, T, 8 c2 + 8 c3), 2D first."""
        if clip.dim() != 5 or clip.shape[4] != 3:
            raise ValueError(f"encoder: clip must be (N, T, H, W, 3), got {tuple(clip.shape)}")
        if encoder_final_spatial(min(clip.shape[2], clip.shape[3])) < 1:
            raise ValueError(f"encoder: clip {tuple(clip.shape)} is smaller than 56x56, "
                             "the least the unpadded layers accept")
        x = clip.permute(0, 4, 1, 2, 3)  # (N, 3, T, H, W)
        parts = [channel(x) for channel in (self.cnn2d, self.cnn3d) if channel is not None]
        return torch.cat(parts, dim=2) if len(parts) > 1 else parts[0]

    def forward(self, clip: torch.Tensor) -> torch.Tensor:
        """clip (N, T, H, W, 3) -> h (N, 2 lstm_hidden), the time average of the BiLSTM outputs."""
        return self.lstm(self.features(clip))[0].mean(dim=1)


class CaptionDecoder(nn.Module):
    """embedding, init_h, init_c, lstm (unidirectional) and output."""

    def __init__(self, config: ModelConfig, encoding_width: int):
        super().__init__()
        self.config = config
        layers, hidden = config.decoder_layers, config.decoder_hidden
        self.embedding = nn.Embedding(config.vocabulary, config.embedding)
        self.init_h = nn.Linear(encoding_width, layers * hidden)
        self.init_c = nn.Linear(encoding_width, layers * hidden)
        self.lstm = nn.LSTM(config.embedding + encoding_width, hidden, num_layers=layers, batch_first=True)
        self.output = nn.Linear(hidden, config.vocabulary)

    def initial_state(self, h: torch.Tensor):
        """(h0, c0), each (layers, N, hidden) = tanh(linear(h)) reshaped per layer."""
        n, layers, hidden = h.shape[0], self.config.decoder_layers, self.config.decoder_hidden
        state = lambda m: torch.tanh(m(h)).reshape(n, layers, hidden).transpose(0, 1).contiguous()
        return state(self.init_h), state(self.init_c)

    def _inputs(self, h: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """[embed(ids); h repeated over the steps]: (N, L, E + D)."""
        return torch.cat([self.embedding(ids), h[:, None, :].expand(ids.shape[0], ids.shape[1], h.shape[1])], dim=2)

    def forward(self, h: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: h (N, D), input_ids (N, L) = [start, w_0, ..., w_{L-2}] -> logits (N, L, V)."""
        if h.dim() != 2 or input_ids.dim() != 2 or input_ids.shape[0] != h.shape[0]:
            raise ValueError(f"decoder: h (N, D) and input ids (N, L) expected, got {tuple(h.shape)} "
                             f"and {tuple(input_ids.shape)}")
        return self.output(self.lstm(self._inputs(h, input_ids), self.initial_state(h))[0])

    @torch.no_grad()
    def greedy(self, h: torch.Tensor, length: Optional[int] = None, start: int = START,
               end: int = END) -> list:
        """Greedy decoding of `length` tokens (default: caption_length); each row
        stops after its first `end` (kept), as CaptionDecoder::greedy."""
        length = self.config.caption_length if length is None else length
        n = h.shape[0]
        state = self.initial_state(h)
        previous = torch.full((n, 1), start, dtype=torch.long, device=h.device)
        result, done = [[] for _ in range(n)], [False] * n
        for _ in range(length):
            out, state = self.lstm(self._inputs(h, previous), state)
            previous = self.output(out).argmax(dim=2)  # (N, 1); the first maximum, as std::max_element
            for b, token in enumerate(previous[:, 0].tolist()):
                if not done[b]:
                    result[b].append(token)
                done[b] = done[b] or token == end
        return result


class ModelOutput(NamedTuple):
    h: torch.Tensor                         # (N, 2 lstm_hidden)
    class_logits: Optional[torch.Tensor]    # (N, classes), None without a classifier
    caption_logits: Optional[torch.Tensor]  # (N, L, V), None without caption inputs


class VideoModel(nn.Module):
    """encoder, classifier (num_classes > 0: every task, the captioning tasks
    train it with weight 0.1) and decoder (vocabulary > 0: so_captions and
    fg_captions)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.encoder = VideoEncoder(config)
        self.classifier = nn.Linear(self.encoder.output_width, config.num_classes) if config.num_classes > 0 else None
        self.decoder = CaptionDecoder(config, self.encoder.output_width) if config.vocabulary > 0 else None

    def forward(self, clip: torch.Tensor, caption_inputs: Optional[torch.Tensor] = None) -> ModelOutput:
        h = self.encoder(clip)
        logits = self.classifier(h) if self.classifier is not None else None
        caption = None
        if caption_inputs is not None:
            if self.decoder is None:
                raise ValueError("model: caption inputs given but the model has no decoder (vocabulary 0)")
            caption = self.decoder(h, caption_inputs)
        return ModelOutput(h, logits, caption)

    def checkpoint_state_dict(self) -> dict:
        """The state dict as the engine writes it: no num_batches_tracked, float tensors contiguous."""
        return {k: v.contiguous() for k, v in self.state_dict().items() if not k.endswith("num_batches_tracked")}


# ----------------------------------------------------------------------------
# Preprocessing (evaluation: centred window and crop)
# ----------------------------------------------------------------------------

def resample_frames(frames, source_fps: float, fps: float):
    """Frames recorded at source_fps -> frames at fps by timestamp, the decoder's
    rule: output k (time k/fps) is the source frame on screen then,
    floor(k * source_fps / fps), for k/fps < count/source_fps."""
    src = fractions.Fraction(source_fps).limit_denominator(1_000_000)
    out = fractions.Fraction(fps).limit_denominator(1_000_000)
    count = len(frames)
    indices, k = [], 0
    while fractions.Fraction(k) / out < fractions.Fraction(count) / src:
        indices.append(min(count - 1, int(k * src / out)))
        k += 1
    return frames[indices]


def resize_frames(frames: torch.Tensor, size: int) -> torch.Tensor:
    """uint8 (F, H, W, 3) -> uint8 (F, size, size, 3), bilinear, antialiased when
    shrinking. The engine resizes with FFmpeg's bilinear swscale filter,
    which this does not reproduce bit for bit: feed frames already at the
    resize size for an exact match."""
    if frames.shape[1] == size and frames.shape[2] == size:
        return frames
    x = frames.permute(0, 3, 1, 2).float()
    y = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return y.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous()


def preprocess_clip(frames, config: ModelConfig, source_fps: Optional[float] = None) -> torch.Tensor:
    """A video's decoded RGB frames, uint8 (F, H, W, 3) (numpy or torch), -> the
    model's float input (T, crop, crop, 3), as the engine's evaluation
    loader makes it: resampled to config.fps when source_fps is given, resized
    to resize x resize, the centred T-frame window (a shorter video is centred
    and padded by repeating its first and last frames), the centred crop,
    divided by pixel_scale. Add the batch dimension with clip[None]."""
    frames = torch.as_tensor(frames)
    if frames.dim() != 4 or frames.shape[3] != 3 or frames.dtype != torch.uint8:
        raise ValueError(f"preprocess_clip: frames must be uint8 (F, H, W, 3), got {frames.dtype} "
                         f"{tuple(frames.shape)}")
    if frames.shape[0] < 1:
        raise ValueError("preprocess_clip: the video has no frames")
    if source_fps is not None:
        frames = resample_frames(frames, source_fps, config.fps)
    frames = resize_frames(frames, config.resize)
    count, t = frames.shape[0], config.frames
    slack = count - t
    first = slack // 2 if slack >= 0 else -((-slack) // 2)
    window = frames[[min(max(first + i, 0), count - 1) for i in range(t)]]
    y0 = x0 = (config.resize - config.crop) // 2
    crop = window[:, y0:y0 + config.crop, x0:x0 + config.crop, :]
    return crop.float() / config.pixel_scale


# ----------------------------------------------------------------------------
# Checkpoints and runs
# ----------------------------------------------------------------------------

def _checkpoint_step(name: str) -> Optional[int]:
    m = re.fullmatch(r"ckpt-(\d+)", name)
    return int(m.group(1)) if m else None


def _checkpoint_in_run(run: str, name, source: str) -> str:
    """run/name when `name` (from `source`, best.json) is a checkpoint folder inside
    the run folder: a plain ckpt-<step> or a relative path that resolves, symbolic
    links followed, strictly inside it (data/formats/checkpoint_folder.h's
    checkpoint_in_run, the same rule). ValueError naming the file otherwise."""
    shown = json.dumps(name)[:80]

    def bad(why):
        return ValueError(f"{source}: checkpoint {shown} {why}; it must name a checkpoint folder inside the run "
                          f"folder (\"ckpt-<step>\")")
    if not isinstance(name, str):
        raise bad("is not a string")
    if not name:
        raise bad("is empty")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise bad("contains control characters")
    if os.path.isabs(name):
        raise bad("is an absolute path")
    root = os.path.realpath(run)
    resolved = os.path.realpath(os.path.join(run, name))
    if resolved == root or os.path.commonpath([root, resolved]) != root:
        raise bad(f"resolves to {resolved}, outside the run folder {root}")
    return os.path.join(run, name)


def find_checkpoint(path: str, which: str = "best") -> str:
    """The checkpoint folder a path names: a ckpt-<step> folder itself; in a run
    folder, the one best.json names (which="best"; it must be inside the run
    folder), else the one `latest` names, else the largest step."""
    path = os.path.abspath(path)
    if os.path.isfile(os.path.join(path, "model.safetensors")):
        return path
    if not os.path.isdir(path):
        raise FileNotFoundError(f"{path}: no such checkpoint or run folder")
    candidates = []
    best = os.path.join(path, "best.json")
    if which == "best" and os.path.isfile(best):
        with open(best) as f:
            named = json.load(f)
        if not isinstance(named, dict) or "checkpoint" not in named:
            raise ValueError(f'{best}: expected {{"checkpoint": "ckpt-<step>", ...}}')
        candidates.append(_checkpoint_in_run(path, named["checkpoint"], best))
    elif which not in ("best", "latest"):
        raise ValueError(f"find_checkpoint: which must be 'best' or 'latest', got '{which}'")
    if os.path.isfile(os.path.join(path, "latest")):
        with open(os.path.join(path, "latest")) as f:
            latest = f.read().strip()
        if _checkpoint_step(latest) is not None:  # as the C++ reader: a plain ckpt-<step> only
            candidates.append(os.path.join(path, latest))
    steps = sorted((s, n) for n in os.listdir(path) if (s := _checkpoint_step(n)) is not None)
    candidates += [os.path.join(path, n) for _, n in reversed(steps)]
    root = os.path.realpath(path)
    for folder in candidates:
        # A ckpt-<step> that is a link out of the run folder is not one of its checkpoints.
        inside = os.path.commonpath([root, os.path.realpath(folder)]) == root
        if inside and os.path.isfile(os.path.join(folder, "model.safetensors")):
            return folder
    raise FileNotFoundError(f"{path}: no checkpoint folder (ckpt-<step>/model.safetensors) in this run folder")


def _verify_manifest(folder: str, name: str) -> None:
    """Size and SHA-256 of `name` against the folder's manifest.json, when there is one."""
    manifest_file = os.path.join(folder, "manifest.json")
    if not os.path.isfile(manifest_file):
        return
    with open(manifest_file) as f:
        entry = json.load(f).get("files", {}).get(name)
    if entry is None:
        return
    path = os.path.join(folder, name)
    size = os.path.getsize(path)
    if size != entry["size"]:
        raise ValueError(f"{path}: corrupt or truncated: size {size}, manifest says {entry['size']}")
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != entry["sha256"]:
        raise ValueError(f"{path}: corrupt: SHA-256 differs from the manifest's")


def read_run_config(folder: str) -> dict:
    """The run's config: the checkpoint's state.json copy, else config.yaml in
    the folder or its parent (the run folder)."""
    import yaml
    state_file = os.path.join(folder, "state.json")
    if os.path.isfile(state_file):
        with open(state_file) as f:
            text = json.load(f).get("config")
        if text:
            return yaml.safe_load(text)
    for candidate in (os.path.join(folder, "config.yaml"), os.path.join(os.path.dirname(folder), "config.yaml")):
        if os.path.isfile(candidate):
            with open(candidate) as f:
                return yaml.safe_load(f)
    raise FileNotFoundError(f"{folder}: no config (state.json 'config' or config.yaml of the run)")


def read_vocabulary(path: str) -> list:
    """The tokens of a vocabulary.json, in id order."""
    with open(path) as f:
        v = json.load(f)
    if v.get("format") != "grain-vocabulary" or not isinstance(v.get("tokens"), list):
        raise ValueError(f"{path}: not a grain vocabulary (format 'grain-vocabulary' with a tokens list)")
    return v["tokens"]


def decode_caption(ids: Sequence[int], tokens: Sequence[str]) -> str:
    """Words up to the first end token, skipping pad and start, joined by spaces."""
    words = []
    for i in ids:
        if i == END:
            break
        if i not in (PAD, START):
            words.append(tokens[i])
    return " ".join(words)


def load_checkpoint(path: str, which: str = "best", device="cpu", dtype=torch.float32) -> VideoModel:
    """A VideoModel with a checkpoint's weights loaded strictly, in evaluation mode.

    path: a ckpt-<step> folder or a run folder (see find_checkpoint). The sizes
    come from the run's config; the classes from classifier.weight and the
    vocabulary from vocabulary.json (cross-checked with decoder.output.weight).
    The model carries .config (ModelConfig), .run_config (dict), .task,
    .vocabulary (token list or None) and .checkpoint (the folder)."""
    from safetensors.torch import load_file
    folder = find_checkpoint(path, which)
    weights_file = os.path.join(folder, "model.safetensors")
    _verify_manifest(folder, "model.safetensors")
    state = load_file(weights_file)
    run_config = read_run_config(folder)
    task = str(run_config.get("task", "fg_classes"))
    if task not in TASKS:
        raise ValueError(f"{folder}: config key 'task' is '{task}', expected one of {', '.join(TASKS)}")

    num_classes = state["classifier.weight"].shape[0] if "classifier.weight" in state else 0
    tokens = None
    vocabulary = state["decoder.output.weight"].shape[0] if "decoder.output.weight" in state else 0
    vocabulary_file = os.path.join(folder, "vocabulary.json")
    if os.path.isfile(vocabulary_file):
        tokens = read_vocabulary(vocabulary_file)
        if vocabulary and len(tokens) != vocabulary:
            raise ValueError(f"{vocabulary_file}: {len(tokens)} tokens, but {weights_file} has decoder.output.weight "
                             f"for {vocabulary}")
    if (task in CAPTION_TASKS) != (vocabulary > 0):
        raise ValueError(f"{weights_file}: task {task} " + ("needs a caption decoder, the checkpoint has none"
                                                            if vocabulary == 0 else "has no captions, but the "
                                                            "checkpoint has a decoder"))
    config = model_config_from_run(run_config, num_classes, vocabulary, source=folder)
    model = VideoModel(config)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise ValueError(f"{weights_file} does not fit the model the run's config describes ({config}): {e}") from None
    model.run_config, model.task, model.vocabulary, model.checkpoint = run_config, task, tokens, folder
    return model.to(device=device, dtype=dtype).eval()
