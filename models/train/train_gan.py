"""Style-based GAN for 64x64 emoji of all styles: z [B,64] -> image [B,3,64,64] in [-1,1].

Generator (StyleGAN2-like, small): a mapping network (4-layer MLP, z -> w, 128 dims) and a synthesis
network from a 4x4 projection of w through 8, 16, 32, 64: at each level a nearest-neighbour resize
followed by a 3x3 convolution (resize-convolution: no transposed convolutions, so no checkerboard),
style-modulated and demodulated convolutions (written with per-channel scales, so the ONNX export
keeps a dynamic batch), and skip connections to RGB summed across levels. The generator keeps w_avg,
the running mean of w, for the truncation trick: w' = w_avg + psi (w - w_avg). The synthesis output
is linear (images in [-1,1] are clamped only at inference).

Discriminator: residual, average-pool downsampling, spectral normalisation, a minibatch-std feature
(against mode collapse), hinge loss, with
differentiable augmentation (translation, cutout, colour) of real and fake images alike, which keeps a
small data set from being memorised. What is evaluated and exported is an exponential moving average
of the generator's weights (decay 0.999).
"""
import argparse
import copy
import math
import os

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

import common

Z = 64
W = 128
SIZE = 64


class Mapping(nn.Module):
    def __init__(self, z=Z, w=W, layers=4):
        super().__init__()
        mods, d = [], z
        for _ in range(layers):
            lin = nn.Linear(d, w)
            # variance-preserving init: with PyTorch's default each layer shrank z's part of w about 3x,
            # w hardly varied with z (std 0.015) and the generator learned to ignore it
            nn.init.kaiming_normal_(lin.weight, a=0.2, nonlinearity="leaky_relu")
            nn.init.zeros_(lin.bias)
            mods += [lin, nn.LeakyReLU(0.2)]
            d = w
        self.net = nn.Sequential(*mods)

    def forward(self, z):
        z = z * torch.rsqrt((z * z).mean(dim=1, keepdim=True) + 1e-8)  # normalise z, as StyleGAN
        return self.net(z)


class ModConv(nn.Module):
    """3x3 convolution modulated by a style (per-input-channel scale) and demodulated (per-output-channel)."""

    def __init__(self, cin, cout, k=3, demod=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, k, k) / math.sqrt(cin * k * k))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.style = nn.Linear(W, cin)
        # styles start near 1 but already depend on w: zero-initialised style weights let the generator
        # ignore z from the first steps and it collapsed to one image
        nn.init.normal_(self.style.weight, std=1 / math.sqrt(W))  # StyleGAN's effective init
        nn.init.ones_(self.style.bias)
        self.demod, self.pad = demod, k // 2

    def forward(self, x, w):
        s = self.style(w)                                       # [B,cin]
        x = F.conv2d(x * s[:, :, None, None], self.weight, padding=self.pad)
        if self.demod:
            wsq = (self.weight ** 2).sum(dim=(2, 3))            # [cout,cin]
            d = torch.rsqrt((s * s) @ wsq.t() + 1e-8)           # [B,cout]
            x = x * d[:, :, None, None]
        return x + self.bias[None, :, None, None]


class Layer(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = ModConv(cin, cout)

    def forward(self, x, w):
        return F.leaky_relu(self.conv(x, w), 0.2) * math.sqrt(2)


class Generator(nn.Module):
    # channels at 4, 8, 16, 32, 64 px
    def __init__(self, chs=(256, 160, 96, 48, 24)):
        super().__init__()
        self.mapping = Mapping()
        # the 4x4 start is a projection of w, not a learned constant: with a constant the generator could,
        # and did, ignore z and collapse to one image
        self.start = nn.Linear(W, chs[0] * 16)
        self.layers = nn.ModuleList([Layer(chs[0], chs[0])])
        self.rgbs = nn.ModuleList([ModConv(chs[0], 3, k=1, demod=False)])
        self.extra = nn.ModuleList([nn.Identity()])
        for i, (a, b) in enumerate(zip(chs, chs[1:])):
            self.layers.append(Layer(a, b))
            self.extra.append(Layer(b, b) if i < 2 else nn.Identity())  # a second conv at 8 and 16 px
            self.rgbs.append(ModConv(b, 3, k=1, demod=False))
        self.register_buffer("w_avg", torch.zeros(W))
        self.psi = 1.0  # truncation used by forward (exported with the value set at export time)

    def synthesis(self, w):
        # linear: a tanh here saturated at the white background and stalled training
        return skip_synthesis(self.start(w).view(w.shape[0], -1, 4, 4), w, self.layers, self.extra, self.rgbs)

    def forward(self, z, psi=None):
        """psi: a [1] tensor (the exported model's second input) or None for self.psi."""
        w = self.mapping(z)
        p = self.psi if psi is None else psi
        w = self.w_avg + p * (w - self.w_avg)
        return self.synthesis(w).clamp(-1, 1)


def skip_synthesis(x, w, layers, extra, outs):
    """The synthesis levels from a 4x4 start x: each level after the first doubles the size (nearest), runs
    its layer (and its extra layer, unless Identity), and adds its output projection to the running sum
    of the coarser ones, upsampled bilinearly (skip connections, StyleGAN2)."""
    out = None
    for i, (layer, more, to_out) in enumerate(zip(layers, extra, outs)):
        if i > 0:
            x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        x = layer(x, w)
        if not isinstance(more, nn.Identity):
            x = more(x, w)
        y = to_out(x, w)
        out = y if out is None else F.interpolate(out, scale_factor=2.0, mode="bilinear", align_corners=False) + y
    return out


class DBlock(nn.Module):
    """3x3 conv at the input resolution, average-pool by 2, 3x3 conv to the wider channel count; residual."""

    def __init__(self, cin, cout):
        super().__init__()
        self.c1, self.c2 = spectral_norm(nn.Conv2d(cin, cin, 3, padding=1)), spectral_norm(nn.Conv2d(cin, cout, 3, padding=1))
        self.skip = spectral_norm(nn.Conv2d(cin, cout, 1))

    def forward(self, x):
        h = F.avg_pool2d(self.c1(F.leaky_relu(x, 0.2)), 2)
        return self.skip(F.avg_pool2d(x, 2)) + self.c2(F.leaky_relu(h, 0.2))


class Discriminator(nn.Module):
    def __init__(self, chs=(24, 48, 96, 192, 256)):
        super().__init__()
        self.rgb = spectral_norm(nn.Conv2d(3, chs[0], 3, padding=1))
        self.blocks = nn.Sequential(*[DBlock(a, b) for a, b in zip(chs, chs[1:])])  # 64 -> 4
        self.out = spectral_norm(nn.Linear((chs[-1] + 1) * 16, 1))

    def forward(self, x):
        h = F.leaky_relu(self.blocks(self.rgb(x)), 0.2)
        return self.out(minibatch_std(h).flatten(1)).flatten()


def minibatch_std(h, group=4):
    """StyleGAN's minibatch standard deviation: one more feature map, the mean spread of the features
    over a group of samples, so a generator that collapses to one image is easy to tell from real data."""
    b, c, hh, ww = h.shape
    g = min(group, b)
    while b % g:
        g -= 1
    y = h.reshape(g, b // g, c, hh, ww)
    y = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3))  # [b/g]
    y = y.reshape(1, b // g, 1, 1, 1).expand(g, -1, 1, hh, ww).reshape(b, 1, hh, ww)
    return torch.cat([h, y], dim=1)


def diff_augment(x):
    """DiffAugment (Zhao et al. 2020): colour, translation (1/8), cutout (1/4), same ops for real and fake."""
    b = x.shape[0]
    x = x + (torch.rand(b, 1, 1, 1) - 0.5) * 0.5                                    # brightness
    m = x.mean(dim=1, keepdim=True)
    x = (x - m) * (torch.rand(b, 1, 1, 1) * 2) + m                                   # saturation
    m = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - m) * (torch.rand(b, 1, 1, 1) + 0.5) + m                                 # contrast
    # translation by up to 1/8 of the size, padding with white
    s = SIZE // 8
    pad = F.pad(x, (s, s, s, s), value=1.0)
    dx, dy = torch.randint(0, 2 * s + 1, (2, b))
    x = torch.stack([pad[i, :, dy[i]:dy[i] + SIZE, dx[i]:dx[i] + SIZE] for i in range(b)])
    # cutout: a SIZE/4 square set to 0
    c = SIZE // 4
    cy, cx = torch.randint(0, SIZE - c + 1, (2, b))
    mask = torch.ones_like(x[:, :1])
    for i in range(b):
        mask[i, :, cy[i]:cy[i] + c, cx[i]:cx[i] + c] = 0
    return x * mask


def load_train():
    d = np.load(os.path.join(common.DATA, "emoji128.npz"))
    x = torch.tensor(d["images"][d["split"] == 0]).permute(0, 3, 1, 2)
    # average 2x2 to 64 px, keep uint8 to save memory
    return F.avg_pool2d(x.float(), 2).round().to(torch.uint8)


EMA_DECAY = 0.999
W_AVG_DECAY = 0.995


def update_ema(ema, g, step):
    decay = min(EMA_DECAY, (1 + step) / (10 + step))
    with torch.no_grad():
        for pe, p in zip(ema.parameters(), g.parameters()):
            pe.lerp_(p, 1 - decay)
        for be, b in zip(ema.buffers(), g.buffers()):
            be.copy_(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    common.setup(31)
    g, d = Generator(), Discriminator()
    ema = copy.deepcopy(g)
    og = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.0, 0.99))
    od = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.0, 0.99))
    mods = {"g": g, "d": d, "ema": ema}
    step, elapsed = common.load_checkpoint("gan", mods, {"og": og, "od": od})
    data = load_train()
    timer = common.Timer(elapsed)
    saver = common.Saver("gan", mods, {"og": og, "od": od})
    print(f"{len(data)} training images; G {sum(p.numel() for p in g.parameters())} params, "
          f"D {sum(p.numel() for p in d.parameters())}", flush=True)
    while step < args.steps:
        real = data[torch.randint(len(data), (args.batch,))].float() / 127.5 - 1
        real = torch.where(torch.rand(args.batch, 1, 1, 1) < 0.5, real, real.flip(3))
        w = g.mapping(torch.randn(args.batch, Z))
        fake = g.synthesis(w)
        loss_d = torch.relu(1 - d(diff_augment(real))).mean() + torch.relu(1 + d(diff_augment(fake.detach()))).mean()
        od.zero_grad()
        loss_d.backward()
        od.step()
        loss_g = -d(diff_augment(fake)).mean()
        og.zero_grad()
        loss_g.backward()
        og.step()
        with torch.no_grad():
            g.w_avg.lerp_(w.detach().mean(0), 1 - W_AVG_DECAY)
        update_ema(ema, g, step)
        step += 1
        if step % 50 == 0 or step == args.steps:
            print(f"step {step} d {loss_d.item():.3f} g {loss_g.item():.3f} {timer():.0f}s", flush=True)
        saver.maybe(step, timer(), force=step == args.steps)
    # w_avg of the averaged generator's own mapping network, over 20000 codes (fixed seed)
    with torch.no_grad():
        z = torch.randn(20000, Z, generator=torch.Generator().manual_seed(5))
        ema.w_avg.copy_(ema.mapping(z).mean(0))
    common.save_checkpoint("gan", mods, {"og": og, "od": od}, step, timer())
    common.record("gan", train_seconds=round(timer()), steps=args.steps, batch=args.batch, z_dim=Z, w_dim=W,
                  params_generator=sum(p.numel() for p in g.parameters()))


if __name__ == "__main__":
    main()
