"""Shared helpers for the training scripts: paths, seeding, resumable checkpoints, timing log."""
import json
import os
import random
import time

import numpy as np
import torch

MODELS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Everything generated (raw downloads, prepared data, checkpoints, logs) lives outside the work tree.
CACHE = os.environ.get("LOOM_TRAIN_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "latent-loom-train")
RAW = os.path.join(CACHE, "raw")
DATA = os.path.join(CACHE, "data")
CKPT = os.path.join(CACHE, "ckpt")


def setup(seed):
    # One core by default: the machine is shared. More threads change float summation order slightly.
    torch.set_num_threads(int(os.environ.get("TRAIN_THREADS", "1")))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_checkpoint(name, modules, optimizers, added=()):
    """Restore modules/optimizers and RNG state; returns (step, elapsed seconds) or (0, 0).
    added: name prefixes of parameters the checkpoint may lack (a module added mid-run); they keep their
    initial values and get fresh optimizer state."""
    path = os.path.join(CKPT, name + ".pt")
    if not os.path.exists(path):
        return 0, 0.0
    state = torch.load(path)
    for k, m in modules.items():
        missing, unexpected = m.load_state_dict(state["modules"][k], strict=False)
        bad = [n for n in missing if not n.startswith(tuple(added))] + list(unexpected)
        if bad:
            raise RuntimeError(f"{name} checkpoint, module {k}: keys do not match: {bad[:5]}")
    for k, o in optimizers.items():
        saved = state["optimizers"][k]
        extra = o.param_groups[len(saved["param_groups"]):]  # groups of parameters added since: fresh state
        o.param_groups = o.param_groups[:len(saved["param_groups"])]
        o.load_state_dict(saved)
        for g in extra:
            o.add_param_group(g)
    torch.set_rng_state(state["torch_rng"])
    np.random.set_state(state["np_rng"])
    print(f"resumed {name} at step {state['step']}")
    return state["step"], state["elapsed"]


def save_checkpoint(name, modules, optimizers, step, elapsed):
    os.makedirs(CKPT, exist_ok=True)
    state = {"modules": {k: m.state_dict() for k, m in modules.items()},
             "optimizers": {k: o.state_dict() for k, o in optimizers.items()},
             "torch_rng": torch.get_rng_state(), "np_rng": np.random.get_state(),
             "step": step, "elapsed": elapsed}
    atomic_save(state, os.path.join(CKPT, name + ".pt"))


def atomic_save(obj, path):
    """torch.save to a temporary file, then rename: a kill mid-write never leaves a broken file."""
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def load_weights(name):
    return torch.load(os.path.join(CKPT, name + ".pt"))["modules"]


def record(name, **figures):
    """Store one script's measured figures (times, metrics) in $LOOM_TRAIN_CACHE/results.json, replacing its last run's."""
    path = os.path.join(CACHE, "results.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    results[name] = figures
    with open(path, "w") as f:
        json.dump(results, f, indent=2)


class Timer:
    def __init__(self, elapsed=0.0):
        self.start, self.base = time.time(), elapsed

    def __call__(self):
        return self.base + time.time() - self.start


class Saver:
    """Checkpoint every SAVE_SECONDS of wall-clock time (and when forced), so an interrupted run loses little."""

    def __init__(self, name, modules, optimizers, every=float(os.environ.get("SAVE_SECONDS", "180"))):
        self.name, self.modules, self.optimizers, self.every = name, modules, optimizers, every
        self.last = time.time()

    def maybe(self, step, elapsed, force=False):
        if force or time.time() - self.last >= self.every:
            save_checkpoint(self.name, self.modules, self.optimizers, step, elapsed)
            self.last = time.time()


def save_sheet(images, path, cols=8):
    """uint8 [N,H,W,3] -> a PNG of rows of `cols` images, no gutters (N a multiple of cols)."""
    from PIL import Image
    grid = np.concatenate([np.concatenate(list(images[r * cols:(r + 1) * cols]), 1) for r in range(len(images) // cols)], 0)
    Image.fromarray(grid).save(path)
