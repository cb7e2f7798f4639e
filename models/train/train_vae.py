"""VAE for 128x128 emoji: 3x128x128 <-> 4x16x16 (factor 8, like SD), encoder and decoder both exported.

Trained on the training split of all styles, on random 64x64 crops (the networks are convolutional, so
crops train them for whole images at a quarter of the cost). Loss: L1 + MSE reconstruction, L1 on the
image gradients (keeps the emoji's hard edges), and a small KL term (keeps latents smooth and centred
for diffusion). Afterwards encodes every full image (latent mean), computes the scaling factor
1/std and saves both for train_diffusion.py, and measures reconstruction PSNR.
"""
import argparse
import math
import os

import numpy as np
import torch

import common
from sd_modules import VAEDecoder2, VAEEncoder2

KL_WEIGHT = 1e-5
EDGE_WEIGHT = 0.5
CROP = 64


def load_images():
    d = np.load(os.path.join(common.DATA, "emoji128.npz"))
    return torch.tensor(d["images"]).permute(0, 3, 1, 2).contiguous(), torch.tensor(d["split"])


def to_float(x):
    return x.float() / 127.5 - 1


def build():
    return VAEEncoder2(), VAEDecoder2()


def grads(x):
    return x[..., 1:, :] - x[..., :-1, :], x[..., :, 1:] - x[..., :, :-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    args = ap.parse_args()
    common.setup(11)
    enc, dec = build()
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=args.lr)
    mods = {"enc": enc, "dec": dec}
    step, elapsed = common.load_checkpoint("vae", mods, {"opt": opt})
    images, split = load_images()
    train = images[split == 0]
    timer = common.Timer(elapsed)
    saver = common.Saver("vae", mods, {"opt": opt})
    size = images.shape[-1]
    while step < args.steps:
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / 100) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        idx = torch.randint(len(train), (args.batch,))
        ys, xs = torch.randint(0, size - CROP + 1, (2, args.batch))
        x = to_float(torch.stack([train[i, :, y:y + CROP, c:c + CROP] for i, y, c in zip(idx, ys, xs)]))
        mean, logvar = enc(x)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
        rec = dec(z)
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        edge = sum((a - b).abs().mean() for a, b in zip(grads(rec), grads(x)))
        loss = (rec - x).abs().mean() + ((rec - x) ** 2).mean() + EDGE_WEIGHT * edge + KL_WEIGHT * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0 or step == args.steps:
            print(f"step {step} loss {loss.item():.4f} kl {kl.item():.2f} {timer():.0f}s", flush=True)
        saver.maybe(step, timer(), force=step == args.steps)
    train_seconds = timer()

    # Latent means of every full image; the diffusion model is trained on mean * scaling_factor.
    enc.eval(), dec.eval()
    means, mse = [], []
    with torch.no_grad():
        for i in range(0, len(images), 32):
            x = to_float(images[i:i + 32])
            m = enc(x)[0]
            means.append(m)
            mse.append(((dec(m).clamp(-1, 1) - x) ** 2).mean(dim=(1, 2, 3)) / 4)  # in [0,1] units
    means, mse = torch.cat(means), torch.cat(mse)
    scaling = float(1 / means[split == 0].std())
    psnr = lambda m: float((10 * torch.log10(1 / m)).mean())
    common.atomic_save({"latents": means, "scaling_factor": scaling}, os.path.join(common.CKPT, "latents.pt"))
    figures = dict(train_seconds=round(train_seconds), steps=args.steps, batch=args.batch, crop=CROP,
                   params_encoder=sum(p.numel() for p in enc.parameters()),
                   params_decoder=sum(p.numel() for p in dec.parameters()), scaling_factor=scaling,
                   recon_psnr_train=psnr(mse[split == 0]), recon_psnr_heldout=psnr(mse[split == 1]))
    print(figures)
    common.record("vae", **figures)


if __name__ == "__main__":
    main()
