"""4x super-resolution: small residual conv net + PixelShuffle on top of a learnable bicubic skip.

The skip is a depthwise 5x5 conv producing the 16 sub-pixel phases, initialised to exact bicubic
(a=-0.5, as PIL), so training starts at bicubic quality and the body only learns the residual.
Degradations: each training crop's low-resolution input is one of three 4x downscales of the photo
(PIL bicubic, box = area, bilinear; all antialiased), so the network does not overfit one kernel:
a user's small image comes from who knows which. Loss: L1 on random 128px crops.
"""
import argparse
import glob
import math
import os

import numpy as np
import torch
from PIL import Image
from torch import nn

import common

SCALE = 4


def cubic(x, a=-0.5):
    x = abs(x)
    if x <= 1:
        return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1
    if x < 2:
        return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a
    return 0.0


def bicubic_phase_kernels():
    """[16, 5, 5] kernels: phase (i, j) of the 4x upsampled output as a 5x5 filter of the input."""
    taps = np.zeros((SCALE, 5))
    for i in range(SCALE):
        u = (i + 0.5) / SCALE - 0.5  # sample position relative to the centre input pixel
        for k in range(-2, 3):
            taps[i, k + 2] = cubic(u - k)
        taps[i] /= taps[i].sum()
    return np.einsum("ik,jl->ijkl", taps, taps).reshape(SCALE * SCALE, 5, 5)


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(ch, ch, 3, padding=1), nn.ReLU(), nn.Conv2d(ch, ch, 3, padding=1))

    def forward(self, x):
        return x + self.body(x)


class SRNet(nn.Module):
    def __init__(self, ch=32, blocks=4):
        super().__init__()
        self.skip = nn.Conv2d(3, 3 * SCALE * SCALE, 5, padding=2, groups=3, bias=False)
        with torch.no_grad():
            self.skip.weight.copy_(torch.tensor(bicubic_phase_kernels(), dtype=torch.float32).repeat(3, 1, 1).unsqueeze(1))
        self.head = nn.Conv2d(3, ch, 3, padding=1)
        self.blocks = nn.Sequential(*[ResBlock(ch) for _ in range(blocks)])
        self.tail = nn.Conv2d(ch, 3 * SCALE * SCALE, 3, padding=1)
        with torch.no_grad():
            self.tail.weight.mul_(0.01)  # start at (almost) exact bicubic
            self.tail.bias.zero_()
        self.shuffle = nn.PixelShuffle(SCALE)

    def forward(self, x):
        feat = self.head(x * 2 - 1)
        feat = feat + self.blocks(torch.relu(feat))
        return torch.clamp(self.shuffle(self.skip(x) + self.tail(feat)), 0, 1)


DEGRADATIONS = {"bicubic": Image.BICUBIC, "area": Image.BOX, "bilinear": Image.BILINEAR}


def load_pairs(split, degradations=tuple(DEGRADATIONS)):
    """(hr, [lr per degradation], name) float arrays in [0,1]; hr cropped to a multiple of 4."""
    pairs = []
    for p in sorted(glob.glob(os.path.join(common.DATA, "photos", split, "*.png"))):
        im = Image.open(p).convert("RGB")
        im = im.crop((0, 0, im.width // SCALE * SCALE, im.height // SCALE * SCALE))
        lrs = [np.asarray(im.resize((im.width // SCALE, im.height // SCALE), DEGRADATIONS[d]), np.float32) / 255
               for d in degradations]
        pairs.append((np.asarray(im, np.float32) / 255, lrs, os.path.basename(p)))
    return pairs


def batch(pairs, size, lr_patch):
    hr_b, lr_b = [], []
    for _ in range(size):
        hr, lrs, _ = pairs[np.random.randint(len(pairs))]
        lr = lrs[np.random.randint(len(lrs))]
        y, x = np.random.randint(lr.shape[0] - lr_patch), np.random.randint(lr.shape[1] - lr_patch)
        l = lr[y:y + lr_patch, x:x + lr_patch]
        h = hr[y * SCALE:(y + lr_patch) * SCALE, x * SCALE:(x + lr_patch) * SCALE]
        k = np.random.randint(4)
        l, h = np.rot90(l, k), np.rot90(h, k)
        if np.random.rand() < 0.5:
            l, h = l[:, ::-1], h[:, ::-1]
        hr_b.append(h.transpose(2, 0, 1).copy())
        lr_b.append(l.transpose(2, 0, 1).copy())
    return torch.tensor(np.stack(hr_b)), torch.tensor(np.stack(lr_b))


def psnr(a, b, border=SCALE):
    a, b = a[border:-border, border:-border], b[border:-border, border:-border]
    return 10 * math.log10(1 / max(((a - b) ** 2).mean(), 1e-12))


def evaluate(net, pairs, degradation="bicubic"):
    """Mean and per-image PSNR/SSIM of the network and of bicubic upscaling, for one degradation."""
    from skimage.metrics import structural_similarity
    rows = []
    net.eval()
    for hr, lrs, name in pairs:
        lr = lrs[list(DEGRADATIONS).index(degradation)]
        with torch.no_grad():
            sr = net(torch.tensor(lr.transpose(2, 0, 1)[None].copy()))[0].numpy().transpose(1, 2, 0)
        lr_im = Image.fromarray((lr * 255).round().astype(np.uint8))
        bic = np.asarray(lr_im.resize((hr.shape[1], hr.shape[0]), Image.BICUBIC), np.float32) / 255
        c = slice(SCALE, -SCALE)
        ssim = lambda x: structural_similarity(hr[c, c], x[c, c], channel_axis=2, data_range=1.0)
        rows.append({"image": name, "psnr": psnr(hr, sr), "psnr_bicubic": psnr(hr, bic),
                     "ssim": ssim(sr), "ssim_bicubic": ssim(bic)})
    net.train()
    mean = {k: float(np.mean([r[k] for r in rows])) for k in ("psnr", "psnr_bicubic", "ssim", "ssim_bicubic")}
    return mean, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=18000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=32, help="low-resolution patch size")
    args = ap.parse_args()
    common.setup(7)
    net = SRNet()
    opt = torch.optim.Adam(net.parameters(), lr=5e-4)
    step, elapsed = common.load_checkpoint("sr", {"net": net}, {"opt": opt})
    train, test = load_pairs("train"), load_pairs("test")
    timer = common.Timer(elapsed)
    while step < args.steps:
        for g in opt.param_groups:  # cosine decay, recomputed from the step so resuming is exact
            g["lr"] = 5e-4 * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        hr, lr = batch(train, args.batch, args.patch)
        loss = (net(lr) - hr).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0 or step == args.steps:
            print(f"step {step} loss {loss.item():.4f} {timer():.0f}s", flush=True)
            common.save_checkpoint("sr", {"net": net}, {"opt": opt}, step, timer())
    figures = {}
    for d in DEGRADATIONS:
        mean, rows = evaluate(net, test, d)
        print(d, mean)
        for r in rows:
            print(" ", r)
        figures[d] = mean
    common.record("sr", train_seconds=round(timer()), steps=args.steps, **figures)


if __name__ == "__main__":
    main()
