"""DCGAN-style generator for 64x64 emoji: z [B,64] -> image [B,3,64,64] in [-1,1].

Hinge loss with a spectrally normalised discriminator (stable without tuning); the generator uses
BatchNorm. What is evaluated and exported is an exponential moving average of the generator's
weights (decay 0.999), in eval mode: single snapshots of a GAN generator are blotchy, their average
much less so.
"""
import argparse
import copy
import os

import numpy as np
import torch
from torch import nn
from torch.nn.utils import spectral_norm

import common

Z = 64


class Generator(nn.Module):
    def __init__(self, z=Z, ch=32):
        super().__init__()

        def up(cin, cout):
            return [nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

        self.fc = nn.Linear(z, 8 * ch * 4 * 4)
        self.ch = ch
        self.net = nn.Sequential(nn.BatchNorm2d(8 * ch), nn.ReLU(), *up(8 * ch, 4 * ch), *up(4 * ch, 2 * ch),
                                 *up(2 * ch, ch), nn.ConvTranspose2d(ch, 3, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        return self.net(self.fc(z).reshape(-1, 8 * self.ch, 4, 4))


class Discriminator(nn.Module):
    def __init__(self, ch=32):
        super().__init__()
        sn = spectral_norm
        self.net = nn.Sequential(
            sn(nn.Conv2d(3, ch, 4, 2, 1)), nn.LeakyReLU(0.2),            # 32
            sn(nn.Conv2d(ch, 2 * ch, 4, 2, 1)), nn.LeakyReLU(0.2),       # 16
            sn(nn.Conv2d(2 * ch, 4 * ch, 4, 2, 1)), nn.LeakyReLU(0.2),   # 8
            sn(nn.Conv2d(4 * ch, 8 * ch, 4, 2, 1)), nn.LeakyReLU(0.2),   # 4
            nn.Flatten(), sn(nn.Linear(8 * ch * 16, 1)))

    def forward(self, x):
        return self.net(x).flatten()


def load_train():
    d = np.load(os.path.join(common.DATA, "emoji.npz"))
    return torch.tensor(d["images"][d["split"] == 0]).permute(0, 3, 1, 2).float() / 127.5 - 1


EMA_DECAY = 0.999


def update_ema(ema, g, step):
    decay = min(EMA_DECAY, (1 + step) / (10 + step))  # short memory early on, while g changes fast
    with torch.no_grad():
        for pe, p in zip(ema.parameters(), g.parameters()):
            pe.lerp_(p, 1 - decay)
        for be, b in zip(ema.buffers(), g.buffers()):  # BatchNorm running statistics
            be.copy_(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=32)
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
    while step < args.steps:
        real = data[torch.randint(len(data), (args.batch,))]
        real = torch.where(torch.rand(args.batch, 1, 1, 1) < 0.5, real, real.flip(3))  # flip augmentation
        fake = g(torch.randn(args.batch, Z))
        loss_d = torch.relu(1 - d(real)).mean() + torch.relu(1 + d(fake.detach())).mean()
        od.zero_grad()
        loss_d.backward()
        od.step()
        loss_g = -d(fake).mean()
        og.zero_grad()
        loss_g.backward()
        og.step()
        update_ema(ema, g, step)
        step += 1
        if step % 100 == 0 or step == args.steps:
            print(f"step {step} d {loss_d.item():.3f} g {loss_g.item():.3f} {timer():.0f}s", flush=True)
            common.save_checkpoint("gan", mods, {"og": og, "od": od}, step, timer())
    common.record("gan", train_seconds=round(timer()), steps=args.steps, batch=args.batch, z_dim=Z)


if __name__ == "__main__":
    main()
