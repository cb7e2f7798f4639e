"""Emoji classifier, the evaluator for generated images: image [B,3,64,64] RGB in [0,1] -> logits [B,N].

N = the emoji of prepare_emoji.py (labels in emoji128.json order). Trained on the training split of all
six styles (128 px images averaged down to 64 px), with augmentation that covers what generators
produce: random scale, shift and small rotation (white fill), blur (down- and up-sampling), noise and
colour jitter. Tested on the held-out style of every emoji (a drawing it never saw).

Resumable (checkpoint "classifier"); at the end writes figures to results.json.
"""
import argparse
import json
import math
import os

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

import common

IN = 64


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.skip = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                     if stride != 1 or cin != cout else nn.Identity())

    def forward(self, x):
        h = F.relu(self.b1(self.c1(x)))
        return F.relu(self.skip(x) + self.b2(self.c2(h)))


class Classifier(nn.Module):
    """Small ResNet: 64 -> 32 (stem) -> 32, 16, 8, 4 -> global average -> linear."""

    def __init__(self, classes, widths=(32, 64, 128, 256)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, 2, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU())
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            layers += [Block(cin, w, 1 if i == 0 else 2), Block(w, w, 1)]
            cin = w
        self.layers = nn.Sequential(*layers)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(cin, classes)

    def forward(self, image):
        x = self.stem((image - 0.5) * 2)
        x = self.layers(x).mean(dim=(2, 3))
        return self.fc(self.drop(x))


def load(split=None):
    """Images as float [M,3,64,64] in [0,1] (2x2 averages of the 128 px renders), labels, styles, splits."""
    d = np.load(os.path.join(common.DATA, "emoji128.npz"))
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json")))
    x = torch.tensor(d["images"]).permute(0, 3, 1, 2).float() / 255
    x = F.avg_pool2d(x, 2)
    return x, torch.tensor(d["emoji"]).long(), torch.tensor(d["style"]).long(), torch.tensor(d["split"]), meta


def augment(x):
    b = x.shape[0]
    # affine on the "ink" (1 - x) so that zero padding is white
    s = torch.empty(b).uniform_(0.75, 1.15)
    a = torch.empty(b).uniform_(-0.2, 0.2)
    t = torch.empty(b, 2).uniform_(-0.12, 0.12)
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0], theta[:, 0, 1] = torch.cos(a) / s, -torch.sin(a) / s
    theta[:, 1, 0], theta[:, 1, 1] = torch.sin(a) / s, torch.cos(a) / s
    theta[:, :, 2] = t
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = 1 - F.grid_sample(1 - x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    # blur some: down to 16..40 px and back up
    blur = torch.rand(b) < 0.35
    if blur.any():
        size = int(torch.randint(16, 41, (1,)))
        xb = F.interpolate(F.interpolate(x[blur], size=size, mode="area"), size=IN, mode="bilinear", align_corners=False)
        x = x.clone()
        x[blur] = xb
    # colour jitter: brightness/contrast per image, small per-channel gains, noise
    gain = torch.empty(b, 3, 1, 1).uniform_(0.9, 1.1)
    x = (x - 0.5) * torch.empty(b, 1, 1, 1).uniform_(0.8, 1.15) + 0.5 + torch.empty(b, 1, 1, 1).uniform_(-0.08, 0.08)
    x = x * gain + torch.randn_like(x) * torch.empty(b, 1, 1, 1).uniform_(0, 0.06)
    return x.clamp(0, 1)


@torch.no_grad()
def predict(net, x, batch=256):
    net.eval()
    out = torch.cat([net(x[i:i + batch]) for i in range(0, len(x), batch)])
    return out.softmax(-1)


def build(classes):
    return Classifier(classes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    args = ap.parse_args()
    common.setup(41)
    x, y, style, split, meta = load()
    classes = len(meta["emoji"])
    net = build(classes)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.05)
    mods = {"net": net}
    step, elapsed = common.load_checkpoint("classifier", mods, {"opt": opt})
    tr = torch.nonzero(split == 0).flatten()
    te = torch.nonzero(split == 1).flatten()
    timer = common.Timer(elapsed)
    saver = common.Saver("classifier", mods, {"opt": opt})
    net.train()
    while step < args.steps:
        lr = args.lr * min(1.0, (step + 1) / 300) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for g in opt.param_groups:
            g["lr"] = lr
        i = tr[torch.randint(len(tr), (args.batch,))]
        logits = net(augment(x[i]))
        loss = F.cross_entropy(logits, y[i], label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0 or step == args.steps:
            acc = (logits.argmax(-1) == y[i]).float().mean().item()
            print(f"step {step} loss {loss.item():.3f} batch acc {acc:.2f} {timer():.0f}s", flush=True)
        if step % 1000 == 0 and step < args.steps:
            p = predict(net, x[te])
            print(f"  held-out top-1 {(p.argmax(-1) == y[te]).float().mean():.3f}", flush=True)
            net.train()
        saver.maybe(step, timer(), force=step == args.steps)
    p = predict(net, x[te])
    top5 = p.topk(5, -1).indices
    top1_ok = top5[:, 0] == y[te]
    top5_ok = (top5 == y[te, None]).any(-1)
    figures = dict(train_seconds=round(timer()), steps=args.steps, batch=args.batch, classes=classes,
                   params=sum(p.numel() for p in net.parameters()),
                   heldout_images=len(te), heldout_top1=float(top1_ok.float().mean()),
                   heldout_top5=float(top5_ok.float().mean()),
                   heldout_top1_by_style={s: float(top1_ok[style[te] == k].float().mean())
                                          for k, s in enumerate(meta["styles"]) if (style[te] == k).any()})
    print(json.dumps(figures, indent=1))
    common.record("classifier", **figures)


if __name__ == "__main__":
    main()
