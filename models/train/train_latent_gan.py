"""Latent GAN for 128x128 emoji of all styles: z [B,64] -> 4x16x16 latents of the VAE (train_vae.py),
decoded by the frozen VAE decoder to image [B,3,128,128] in [-1,1].

The generator makes the scaled latents the diffusion model is trained on (latent mean * scaling factor,
latents.pt); the exported graph divides by the scaling factor and runs the VAE decoder, whose upsampling
is nearest resize + convolution, so no transposed convolution and no checkerboard.

Generator (StyleGAN2-like, small): a mapping network (4-layer MLP, z -> w, 128 dims), a 4x4 projection
of w, then 8 and 16 px levels of nearest resize + 3x3 style-modulated, demodulated convolutions (two at
8 px, one at 16; train_gan.ModConv: per-channel scales, so the ONNX export keeps a dynamic batch) and skip connections to
the latent channels summed across levels (bilinear upsampling). It keeps w_avg, the running mean of w,
for the truncation trick: w' = w_avg + psi (w - w_avg).

Discriminator, on latents (cheap): residual blocks with average-pool downsampling (16 -> 8 -> 4),
spectral normalisation, a minibatch-std feature, hinge loss, lazy R1 penalty on real latents. Data: the
training split's latents and those of the same images mirrored (encoded once with the VAE encoder and
cached in ckpt/latent_gan_mirrored.pt); real and fake latents alike are shifted by up to one latent
pixel (8 image pixels, edge padding: the borders are background). What is evaluated and exported is an
exponential moving average of the generator's weights (decay 0.999).
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
import train_vae
from train_gan import DBlock, Mapping, ModConv, Layer, minibatch_std, skip_synthesis, update_ema, W, W_AVG_DECAY, Z

LATENT = 16   # latent size; images are 8x that
SIZE = 128
R1_GAMMA = 1.0
R1_EVERY = 8


class Generator(nn.Module):
    # channels at 4, 8, 16 latent px
    def __init__(self, chs=(128, 96, 64), scaling=1.0):
        super().__init__()
        self.mapping = Mapping()
        self.start = nn.Linear(W, chs[0] * 16)
        self.layers = nn.ModuleList([Layer(chs[0], chs[0])])
        self.extra = nn.ModuleList([nn.Identity()])
        self.outs = nn.ModuleList([ModConv(chs[0], 4, k=1, demod=False)])
        for a, b in zip(chs, chs[1:]):
            self.layers.append(Layer(a, b))
            self.extra.append(Layer(b, b) if b == chs[1] else nn.Identity())  # a second conv at 8 px
            self.outs.append(ModConv(b, 4, k=1, demod=False))
        self.register_buffer("w_avg", torch.zeros(W))
        self.register_buffer("scaling", torch.tensor(float(scaling)))
        self.psi = 1.0

    def synthesis(self, w):
        """w [B,W] -> scaled latents [B,4,16,16] (linear output)."""
        return skip_synthesis(self.start(w).view(w.shape[0], -1, 4, 4), w, self.layers, self.extra, self.outs)

    def latents(self, z, psi=None):
        w = self.mapping(z)
        p = self.psi if psi is None else psi
        return self.synthesis(self.w_avg + p * (w - self.w_avg))


class Exported(nn.Module):
    """What the app runs: z [B,64], psi [1] -> image [B,3,128,128] in [-1,1] (frozen VAE decoder)."""

    def __init__(self, g, dec):
        super().__init__()
        self.g, self.dec = g, dec

    def forward(self, z, psi):
        return self.dec(self.g.latents(z, psi) / self.g.scaling).clamp(-1, 1)


class Discriminator(nn.Module):
    def __init__(self, chs=(48, 96, 160)):
        super().__init__()
        self.inp = spectral_norm(nn.Conv2d(4, chs[0], 3, padding=1))
        self.blocks = nn.Sequential(*[DBlock(a, b) for a, b in zip(chs, chs[1:])])  # 16 -> 4
        self.conv = spectral_norm(nn.Conv2d(chs[-1] + 1, chs[-1], 3, padding=1))
        self.out = spectral_norm(nn.Linear(chs[-1] * 16, 1))

    def forward(self, x):
        h = F.leaky_relu(self.blocks(self.inp(x)), 0.2)
        h = F.leaky_relu(self.conv(minibatch_std(h)), 0.2)
        return self.out(h.flatten(1)).flatten()


def shift(x, s=1):
    """Shift each latent by up to s pixels in x and y, padding with the edge values."""
    b, _, h, w = x.shape
    pad = F.pad(x, (s, s, s, s), mode="replicate")
    dx, dy = torch.randint(0, 2 * s + 1, (2, b))
    return torch.stack([pad[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(b)])


def load_decoder():
    _, dec = train_vae.build()
    dec.load_state_dict(common.load_weights("vae")["dec"])
    dec.eval().requires_grad_(False)
    return dec


def load_train():
    """Scaled latents of the training split and of the same images mirrored; the scaling factor."""
    d = np.load(os.path.join(common.DATA, "emoji128.npz"))
    keep = d["split"] == 0
    lat = torch.load(os.path.join(common.CKPT, "latents.pt"))
    scaling = lat["scaling_factor"]
    path = os.path.join(common.CKPT, "latent_gan_mirrored.pt")
    if not os.path.exists(path):
        enc, _ = train_vae.build()
        enc.load_state_dict(common.load_weights("vae")["enc"])
        enc.eval()
        images = torch.tensor(d["images"][keep]).permute(0, 3, 1, 2)
        with torch.no_grad():
            mirrored = torch.cat([enc(train_vae.to_float(images[i:i + 64].flip(3)))[0] for i in range(0, len(images), 64)])
        common.atomic_save(mirrored, path)
    mirrored = torch.load(path)
    return torch.cat([lat["latents"][keep], mirrored]) * scaling, scaling


@torch.no_grad()
def sample_sheet(ema, dec, path, n=64, psi=1.0):
    z = torch.randn(n, Z, generator=torch.Generator().manual_seed(0))
    imgs = Exported(ema, dec)(z, torch.tensor([psi]))
    common.save_sheet(((imgs + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy(), path)


def optimizers(g, d, lr):
    """Adam for G and D; D's learning rate and betas adjusted for the lazy R1 penalty, which weighs
    R1_EVERY steps at once (as StyleGAN2 does)."""
    c = R1_EVERY / (R1_EVERY + 1)
    return (torch.optim.Adam(g.parameters(), lr=lr, betas=(0.0, 0.99)),
            torch.optim.Adam(d.parameters(), lr=lr * c, betas=(0.0, 0.99 ** c)))


def lazy_r1(score, real, od, *cond):
    """One lazy R1 step on the discriminator `score(x, *cond)`: the squared gradient norm at real
    samples, weighted for R1_EVERY steps. Returns the penalty (for the log)."""
    x = real.requires_grad_(True)
    grad, = torch.autograd.grad(score(x, *cond).sum(), x, create_graph=True)
    r1 = grad.pow(2).sum(dim=(1, 2, 3)).mean()
    od.zero_grad()
    (R1_GAMMA / 2 * r1 * R1_EVERY).backward()
    od.step()
    return r1


def build(scaling=1.0):
    return Generator(scaling=scaling), Discriminator()


def load_exported():
    """The trained latent GAN as the app runs it: the EMA generator and the VAE decoder (Exported), in eval mode."""
    lat = torch.load(os.path.join(common.CKPT, "latents.pt"))
    g, _ = build(lat["scaling_factor"])
    g.load_state_dict(common.load_weights("latent_gan")["ema"])
    return Exported(g, load_decoder()).eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=24000)  # the bundled GAN's count
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--sheet_every", type=int, default=1000)
    args = ap.parse_args()
    common.setup(41)
    data, scaling = load_train()
    g, d = build(scaling)
    ema = copy.deepcopy(g)
    og, od = optimizers(g, d, args.lr)
    mods = {"g": g, "d": d, "ema": ema}
    opts = {"og": og, "od": od}
    step, elapsed = common.load_checkpoint("latent_gan", mods, opts)
    dec = load_decoder()
    timer = common.Timer(elapsed)
    saver = common.Saver("latent_gan", mods, opts)
    os.makedirs(os.path.join(common.CACHE, "eval"), exist_ok=True)
    print(f"{len(data)} training latents (with mirrored); G {sum(p.numel() for p in g.parameters())} params, "
          f"D {sum(p.numel() for p in d.parameters())}", flush=True)
    r1 = torch.tensor(0.0)
    while step < args.steps:
        real = data[torch.randint(len(data), (args.batch,))]
        w = g.mapping(torch.randn(args.batch, Z))
        fake = g.synthesis(w)
        loss_d = torch.relu(1 - d(shift(real))).mean() + torch.relu(1 + d(shift(fake.detach()))).mean()
        od.zero_grad()
        loss_d.backward()
        od.step()
        if step % R1_EVERY == 0:
            r1 = lazy_r1(d, shift(real), od)
        loss_g = -d(shift(fake)).mean()
        og.zero_grad()
        loss_g.backward()
        og.step()
        with torch.no_grad():
            g.w_avg.lerp_(w.detach().mean(0), 1 - W_AVG_DECAY)
        update_ema(ema, g, step)
        step += 1
        if step % 100 == 0 or step == args.steps:
            print(f"step {step} d {loss_d.item():.3f} g {loss_g.item():.3f} r1 {r1.item():.3f} "
                  f"fake std {fake.std().item():.3f} {timer():.0f}s", flush=True)
        if step % args.sheet_every == 0:
            sample_sheet(ema, dec, os.path.join(common.CACHE, "eval", "latent_gan_train.png"))
        saver.maybe(step, timer(), force=step == args.steps)
    # w_avg of the averaged generator's own mapping network, over 20000 codes (fixed seed)
    with torch.no_grad():
        z = torch.randn(20000, Z, generator=torch.Generator().manual_seed(5))
        ema.w_avg.copy_(ema.mapping(z).mean(0))
    common.save_checkpoint("latent_gan", mods, opts, step, timer())
    common.record("latent_gan", train_seconds=round(timer()), steps=args.steps, batch=args.batch, z_dim=Z, w_dim=W,
                  params_generator=sum(p.numel() for p in g.parameters()),
                  params_discriminator=sum(p.numel() for p in d.parameters()))


if __name__ == "__main__":
    main()
