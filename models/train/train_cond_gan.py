"""Class-conditional latent GAN for 128x128 emoji of all styles: z [B,64], label [B], psi [1] -> image
[B,3,128,128] in [-1,1]. The label is the emoji's index in the classifier's labels (prepare_emoji.py's
order), so "a cat face" is asked for by name and a sample is judged against the emoji it was asked for.

train_latent_gan.py's generator and discriminator (VAE latents, decoded by the frozen VAE decoder:
resize-convolution all the way, no checkerboard), with the label added as BigGAN / StyleGAN2-ADA do:
- generator: the mapping network takes z and a learned embedding of the label, each normalised, side by
  side; every style then depends on the label;
- discriminator: projection (Miyato & Koyama 2018): the score adds the inner product of an embedding of
  the label with a projection of the last features, so it judges "is this a real X", not "is this real".
Truncation toward the label's own mean w (w_avg[label], over 2000 codes per label at the end): psi 0
gives the typical drawing of that emoji, not the average of all emoji.
"""
import argparse
import copy
import os

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

import common
import train_latent_gan as lg
from train_gan import Mapping, W, Z, minibatch_std, update_ema

SIZE = lg.SIZE


def unit(v):
    return v * torch.rsqrt((v * v).mean(dim=1, keepdim=True) + 1e-8)


class Generator(lg.Generator):
    def __init__(self, classes, scaling=1.0):
        super().__init__(scaling=scaling)
        self.embed = nn.Embedding(classes, Z)
        self.mapping = Mapping(z=2 * Z)
        self.register_buffer("w_avg", torch.zeros(classes, W))

    def map(self, z, label):
        return self.mapping(torch.cat([unit(z), unit(self.embed(label))], 1))

    def latents(self, z, label, psi=None):
        w, avg = self.map(z, label), self.w_avg[label]
        p = self.psi if psi is None else psi
        return self.synthesis(avg + p * (w - avg))


class Exported(nn.Module):
    """What the app runs: z [B,64], label int64 [B], psi [1] -> image [B,3,128,128] in [-1,1]."""

    def __init__(self, g, dec):
        super().__init__()
        self.g, self.dec = g, dec

    def forward(self, z, label, psi):
        return self.dec(self.g.latents(z, label, psi) / self.g.scaling).clamp(-1, 1)


class Discriminator(lg.Discriminator):
    def __init__(self, classes, proj=128):
        super().__init__()
        feat = self.out.in_features if hasattr(self.out, "in_features") else self.out.weight.shape[1]
        self.proj = spectral_norm(nn.Linear(feat, proj))
        self.embed = spectral_norm(nn.Embedding(classes, proj))

    def forward(self, x, label):
        h = F.leaky_relu(self.blocks(self.inp(x)), 0.2)
        h = F.leaky_relu(self.conv(minibatch_std(h)), 0.2).flatten(1)
        return self.out(h).flatten() + (self.embed(label) * self.proj(h)).sum(1)


def load_train():
    """Scaled latents of the training split and their mirror images, with each one's emoji index."""
    data, scaling = lg.load_train()
    d = np.load(os.path.join(common.DATA, "emoji128.npz"))
    labels = torch.tensor(d["emoji"][d["split"] == 0], dtype=torch.long)
    return data, torch.cat([labels, labels]), scaling


def classes():
    import json
    return len(json.load(open(os.path.join(common.DATA, "emoji128.json"), encoding="utf-8"))["emoji"])


def build(scaling=1.0):
    n = classes()
    return Generator(n, scaling=scaling), Discriminator(n)


def load_exported():
    """The trained generator as the app runs it: EMA weights and the VAE decoder (Exported), in eval mode."""
    lat = torch.load(os.path.join(common.CKPT, "latents.pt"))
    g, _ = build(lat["scaling_factor"])
    g.load_state_dict(common.load_weights("cond_gan")["ema"])
    if not g.w_avg.any():
        class_means(g)  # a checkpoint saved mid-run: the class means are made at the end
    return Exported(g, lg.load_decoder()).eval()


@torch.no_grad()
def sample_sheet(ema, dec, labels, path, psi=1.0):
    z = torch.randn(len(labels), Z, generator=torch.Generator().manual_seed(0))
    imgs = Exported(ema, dec)(z, labels, torch.tensor([psi]))
    common.save_sheet(((imgs + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy(), path)


@torch.no_grad()
def class_means(g, per_class=2000, chunk=64):
    """w_avg[label]: the mean of w over per_class codes (fixed seed) for every label."""
    gen = torch.Generator().manual_seed(5)
    z = torch.randn(per_class, Z, generator=gen)
    for c0 in range(0, g.w_avg.shape[0], chunk):
        cs = torch.arange(c0, min(c0 + chunk, g.w_avg.shape[0]))
        w = g.map(z.repeat(len(cs), 1), cs.repeat_interleave(per_class))
        g.w_avg[cs] = w.view(len(cs), per_class, -1).mean(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=14000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--sheet_every", type=int, default=1000)
    args = ap.parse_args()
    common.setup(43)
    data, labels, scaling = load_train()
    g, d = build(scaling)
    ema = copy.deepcopy(g)
    og, od = lg.optimizers(g, d, args.lr)
    mods = {"g": g, "d": d, "ema": ema}
    opts = {"og": og, "od": od}
    step, elapsed = common.load_checkpoint("cond_gan", mods, opts)
    dec = lg.load_decoder()
    timer = common.Timer(elapsed)
    saver = common.Saver("cond_gan", mods, opts)
    os.makedirs(os.path.join(common.CACHE, "eval"), exist_ok=True)
    sheet_labels = labels[torch.randperm(len(labels), generator=torch.Generator().manual_seed(1))[:64]]
    print(f"{len(data)} training latents (with mirrored), {g.w_avg.shape[0]} classes; "
          f"G {sum(p.numel() for p in g.parameters())} params, D {sum(p.numel() for p in d.parameters())}", flush=True)
    r1 = torch.tensor(0.0)
    while step < args.steps:
        i = torch.randint(len(data), (args.batch,))
        real, y = data[i], labels[i]
        yf = labels[torch.randint(len(labels), (args.batch,))]  # fake labels as often as real ones
        w = g.map(torch.randn(args.batch, Z), yf)
        fake = g.synthesis(w)
        loss_d = torch.relu(1 - d(lg.shift(real), y)).mean() + torch.relu(1 + d(lg.shift(fake.detach()), yf)).mean()
        od.zero_grad()
        loss_d.backward()
        od.step()
        if step % lg.R1_EVERY == 0:
            r1 = lg.lazy_r1(d, lg.shift(real), od, y)
        loss_g = -d(lg.shift(fake), yf).mean()
        og.zero_grad()
        loss_g.backward()
        og.step()
        update_ema(ema, g, step)
        step += 1
        if step % 100 == 0 or step == args.steps:
            print(f"step {step} d {loss_d.item():.3f} g {loss_g.item():.3f} r1 {r1.item():.3f} "
                  f"fake std {fake.std().item():.3f} {timer():.0f}s", flush=True)
        if step % args.sheet_every == 0:
            sample_sheet(ema, dec, sheet_labels, os.path.join(common.CACHE, "eval", "cond_gan_train.png"))
        saver.maybe(step, timer(), force=step == args.steps)
    class_means(ema)
    common.save_checkpoint("cond_gan", mods, opts, step, timer())
    common.record("cond_gan", train_seconds=round(timer()), steps=args.steps, batch=args.batch, z_dim=Z, w_dim=W,
                  classes=int(g.w_avg.shape[0]), params_generator=sum(p.numel() for p in g.parameters()),
                  params_discriminator=sum(p.numel() for p in d.parameters()))


if __name__ == "__main__":
    main()
