"""What the side-by-side comparison scripts of bench/ share (standard library
only): the environment a measured process runs in, the machine's load, and
whether an interpreter has PyTorch. Used by compare_train_step.py,
compare_conv_layers.py and compare_gpu_train_step.py.
"""
import os
import subprocess


def environment(threads: int, wait_policy: str = None) -> dict:
    """The caller's environment with the OpenMP and MKL thread counts set and,
    when given, OMP_WAIT_POLICY (both sides of a comparison get the same)."""
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    env["MKL_NUM_THREADS"] = str(threads)
    if wait_policy:
        env["OMP_WAIT_POLICY"] = wait_policy
    return env


def load_average() -> str:
    """The 1-minute load average, printed beside every table."""
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "unknown"


def has_torch(python: str) -> str:
    """The torch version, or '' when `python` cannot import it."""
    try:
        out = subprocess.run([python, "-c", "import torch; print(torch.__version__)"], capture_output=True,
                             text=True)
    except OSError:
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""
