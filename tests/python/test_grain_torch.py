"""python/grain_torch.py against the engine, for each of the four tasks.

For cg_classes, fg_classes, so_captions and fg_captions the engine's trainer
trains one step on a small generated dataset (JPEG frames, tiny preset with
small sizes; the 2D channel is switched off for one task and the 3D channel
for another, so the optional channels are covered), then:
  - grain_torch.load_checkpoint loads the run folder (best.json), the
    checkpoint folder and the latest checkpoint strictly, and the state dict
    it holds round-trips to exactly the checkpoint's tensors; a checkpoint
    with a tensor missing is refused; a best.json naming a folder outside
    its run folder is refused;
  - on a fixed random clip (and caption inputs), PyTorch (float64) and the
    engine (tests/python/engine_forward.cpp, float32, the trainer's own
    config reading and checkpoint loader) agree on h, the class logits and
    the teacher-forced caption logits within |engine - torch| / (1e-4 +
    |torch|) < 1e-3, and the engine's greedy caption is PyTorch's greedy choice
    at every step (up to ties within 1e-4 in logit);
  - grain_torch.preprocess_clip reproduces the evaluation loader's clip
    (data/loader/preprocess.h) bit for bit for a video shorter and a video
    longer than T frames.
The numerical agreement of the whole model (all layers, training steps)
with PyTorch at a fixed configuration is tests/models/test_pytorch_reference.cpp,
whose fixture tests/fixtures/models/make_pytorch_reference.py makes from the
same grain_torch definition.

Exits 77 (skipped) when torch, numpy, safetensors or yaml is missing.
Usage: test_grain_torch.py --trainer build/bin/trainer --engine-forward build/bin/engine_forward
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import numpy  # noqa: F401  (safetensors.torch and torch need it)
    import safetensors.torch
    import torch
    import yaml  # noqa: F401  (grain_torch reads the run's config with it)
except ImportError as e:
    print(f"skipped: {e} (see tests/python/README.md)")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
import grain_torch  # noqa: E402

TASKS = {  # task -> model overrides (channel widths vary across tasks)
    "cg_classes": {"width_2d": 0, "width_3d": 4},
    "fg_classes": {"width_2d": 4, "width_3d": 0},
    "so_captions": {"width_2d": 2, "width_3d": 3},
    "fg_captions": {"width_2d": 3, "width_3d": 2, "lstm_layers": 1, "decoder_layers": 1},
}
FLOOR, REL_TOL, TIE = 1e-4, 1e-3, 1e-4
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def config_text(task, root, out, model):
    lines = [f"task: {task}", "dataset:", f"  root: {root}", "  generate: synth-ss", "  generate_train: 4",
             "  generate_validation: 2", "  generate_test: 1", "  generate_width: 64", "  generate_height: 64",
             "  generate_format: jpeg", "model:", "  preset: tiny", "  frames: 4", "  lstm_hidden: 8",
             "  decoder_hidden: 8", "  embedding: 6", "  caption_length: 6"]
    lines += [f"  {k}: {v}" for k, v in model.items()]
    lines += ["train:", "  epochs: 1", "  max_steps: 1", "  batch_size: 2", "  threads: 1", "  workers: 1",
              "run:", f"  out: {out}"]
    return "\n".join(lines) + "\n"


def compare(name, torch_value, engine_value):
    """worst |engine - torch| / (FLOOR + |torch|) < REL_TOL, as tests/models/test_pytorch_reference.cpp."""
    ok = tuple(torch_value.shape) == tuple(engine_value.shape) and bool(torch.isfinite(engine_value).all())
    worst = float("inf")
    if ok:
        worst = float(((engine_value.double() - torch_value).abs() / (FLOOR + torch_value.abs())).max())
        ok = worst < REL_TOL
    check(ok, f"{name}: shape {tuple(torch_value.shape)}, worst |engine - torch| / ({FLOOR} + |torch|) = "
              f"{worst:.1e} (limit {REL_TOL})")


def check_greedy(task, model, h, engine_ids):
    """The engine's tokens, fed back by teacher forcing, are PyTorch's argmax at every step."""
    length = model.config.caption_length
    torch_ids = model.decoder.greedy(h, length)
    for b, row in enumerate(engine_ids.tolist()):
        tokens = [t for t in row if t >= 0]
        inputs = torch.tensor([[grain_torch.START] + tokens[:-1]])
        with torch.no_grad():
            logits = model.decoder(h[b:b + 1], inputs)[0]
        chosen = logits[torch.arange(len(tokens)), torch.tensor(tokens)]
        gap = float((logits.max(dim=1).values - chosen).max())
        ended = tokens[-1] == grain_torch.END or len(tokens) == length
        check(ended and gap <= TIE, f"{task}: engine greedy caption {tokens} is PyTorch's choice at every step "
                                    f"(largest logit gap {gap:.1e}); PyTorch greedy {torch_ids[b]}")


def run_task(task, args, work, root):
    run_dir = os.path.join(work, "runs", task)
    config_file = os.path.join(work, f"{task}.yaml")
    with open(config_file, "w") as f:
        f.write(config_text(task, root, run_dir, TASKS[task]))
    start = time.time()
    result = subprocess.run([args.trainer, "--config", config_file, "--quiet", "--device", "cpu"],
                            capture_output=True, text=True)
    check(result.returncode == 0, f"{task}: trainer ran one step ({time.time() - start:.1f} s)"
                                  + ("" if result.returncode == 0 else "\n" + result.stderr[-2000:]))
    if result.returncode != 0:
        return

    model = grain_torch.load_checkpoint(run_dir)  # best.json
    folder = model.checkpoint
    check(os.path.basename(folder) == "ckpt-1", f"{task}: the run folder resolves to {folder}")
    stored = safetensors.torch.load_file(os.path.join(folder, "model.safetensors"))
    mine = model.checkpoint_state_dict()
    check(sorted(mine) == sorted(stored) and all(torch.equal(mine[k], stored[k]) for k in stored),
          f"{task}: the model holds exactly the checkpoint's {len(stored)} tensors")
    for other in (grain_torch.load_checkpoint(folder), grain_torch.load_checkpoint(run_dir, which="latest")):
        same = all(torch.equal(a, b) for a, b in zip(other.state_dict().values(), model.state_dict().values()))
        check(same, f"{task}: loading {other.checkpoint} gives the same weights")
    captioning = task in grain_torch.CAPTION_TASKS
    check(model.classifier is not None and (model.decoder is not None) == captioning
          and (model.encoder.cnn2d is None) == (TASKS[task]["width_2d"] == 0)
          and (model.encoder.cnn3d is None) == (TASKS[task]["width_3d"] == 0),
          f"{task}: heads and channels as the task and config say ({model.config.num_classes} classes, "
          f"vocabulary {model.config.vocabulary})")
    incomplete = dict(stored)
    incomplete.pop("encoder.lstm.bias_hh_l0")
    try:
        grain_torch.VideoModel(model.config).load_state_dict(incomplete, strict=True)
        check(False, f"{task}: a checkpoint without encoder.lstm.bias_hh_l0 is refused")
    except RuntimeError:
        check(True, f"{task}: a checkpoint without encoder.lstm.bias_hh_l0 is refused")

    c = model.config
    generator = torch.Generator().manual_seed(11)
    inputs = {"clip": torch.rand(3, c.frames, c.crop, c.crop, 3, generator=generator) * 4}
    if captioning:
        ids = torch.randint(grain_torch.UNKNOWN, c.vocabulary, (3, c.caption_length), generator=generator)
        ids[:, 0] = grain_torch.START
        inputs["caption_inputs"] = ids
    for name, count in (("short", c.frames - 2), ("long", c.frames + 3)):
        inputs[f"video_{name}"] = torch.randint(0, 256, (count, c.resize, c.resize, 3), generator=generator,
                                                dtype=torch.uint8)
    inputs_file, outputs_file = os.path.join(work, f"{task}-in.safetensors"), os.path.join(work, f"{task}-out.safetensors")
    safetensors.torch.save_file(inputs, inputs_file)
    result = subprocess.run([args.engine_forward, folder, inputs_file, outputs_file], capture_output=True, text=True)
    check(result.returncode == 0, f"{task}: engine_forward ran" + ("" if result.returncode == 0 else
                                                                   "\n" + result.stderr[-2000:]))
    if result.returncode != 0:
        return
    engine = safetensors.torch.load_file(outputs_file)

    reference = model.double()
    with torch.no_grad():
        out = reference(inputs["clip"].double(), inputs.get("caption_inputs"))
    compare(f"{task}: h", out.h, engine["h"])
    compare(f"{task}: class logits", out.class_logits, engine["class_logits"])
    if captioning:
        compare(f"{task}: caption logits", out.caption_logits, engine["caption_logits"])
        check_greedy(task, reference, out.h, engine["greedy"])
    for name in ("short", "long"):
        clip = grain_torch.preprocess_clip(inputs[f"video_{name}"].numpy(), c)
        check(torch.equal(clip, engine[f"clip_{name}"]),
              f"{task}: preprocess_clip of a {inputs[f'video_{name}'].shape[0]}-frame video equals the loader's")


def check_best_json_stays_inside(work):
    """best.json may name only a checkpoint folder inside its run folder, as in the
    engine: a checkpoint elsewhere (a relative path out, an absolute path) is refused,
    and a `latest` naming one is ignored. No training needed: only the folders."""
    run, other = os.path.join(work, "paths", "run"), os.path.join(work, "paths", "other")
    for folder in (os.path.join(run, "ckpt-2"), os.path.join(other, "ckpt-1")):
        os.makedirs(folder)
        open(os.path.join(folder, "model.safetensors"), "w").close()
    best = os.path.join(run, "best.json")
    for name, expected in (("ckpt-2", os.path.join(run, "ckpt-2")), ("../other/ckpt-1", None),
                           (os.path.join(other, "ckpt-1"), None), ("ckpt-2/..", None)):
        with open(best, "w") as f:
            json.dump({"checkpoint": name, "step": 2}, f)
        try:
            found, error = grain_torch.find_checkpoint(run), ""
        except ValueError as e:
            found, error = None, str(e)
        if expected:
            check(found == expected, f"best.json naming {name} gives {found}")
        else:
            check(found is None and best in error and "inside the run folder" in error,
                  f"best.json naming {name} is refused: {error or found}")
    os.remove(best)
    with open(os.path.join(run, "latest"), "w") as f:
        f.write("../other/ckpt-1\n")
    found = grain_torch.find_checkpoint(run, which="latest")
    check(found == os.path.join(run, "ckpt-2"), f"a latest naming ../other/ckpt-1 is ignored: {found}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainer", required=True)
    parser.add_argument("--engine-forward", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    torch.set_num_threads(1)
    work = tempfile.mkdtemp(prefix="grain-torch-test-")
    try:
        root = os.path.join(work, "synth")
        check_best_json_stays_inside(work)
        for task in TASKS:
            run_task(task, args, work, root)
    finally:
        if args.keep:
            print("scratch folder:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failure(s)" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
