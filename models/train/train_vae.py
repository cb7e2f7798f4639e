"""VAE for 64x64 emoji: 3x64x64 <-> 4x8x8 (factor 8, like SD). Trained on every training-split emoji.

Loss: L1 + MSE reconstruction and a small KL term (keeps latents smooth and centred for diffusion).
Afterwards computes the latents of all images and the scaling factor 1/std, saved for train_diffusion.py.
"""
import argparse
import math
import os

import numpy as np
import torch

import common
from sd_modules import VAEDecoder, VAEEncoder

CH = 32
KL_WEIGHT = 1e-5


def load_images():
    d = np.load(os.path.join(common.DATA, "emoji.npz"))
    return torch.tensor(d["images"]).permute(0, 3, 1, 2).float() / 127.5 - 1, d["split"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    common.setup(11)
    enc, dec = VAEEncoder(CH), VAEDecoder(CH)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    mods = {"enc": enc, "dec": dec}
    step, elapsed = common.load_checkpoint("vae", mods, {"opt": opt})
    images, split = load_images()
    train = images[split == 0]
    timer = common.Timer(elapsed)
    while step < args.steps:
        for g in opt.param_groups:
            g["lr"] = 1e-3 * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        x = train[torch.randint(len(train), (args.batch,))]
        mean, logvar = enc(x)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
        rec = dec(z)
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        loss = (rec - x).abs().mean() + ((rec - x) ** 2).mean() + KL_WEIGHT * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0 or step == args.steps:
            print(f"step {step} loss {loss.item():.4f} kl {kl.item():.2f} {timer():.0f}s", flush=True)
            common.save_checkpoint("vae", mods, {"opt": opt}, step, timer())
    train_seconds = timer()

    # Latent means of every image; the diffusion model is trained on mean * scaling_factor.
    enc.eval(), dec.eval()
    with torch.no_grad():
        means = torch.cat([enc(images[i:i + 64])[0] for i in range(0, len(images), 64)])
        scaling = float(1 / means[split == 0].std())
        recon = torch.cat([dec(means[i:i + 64]) for i in range(0, len(means), 64)])
    mse = ((recon.clamp(-1, 1) - images) ** 2).mean(dim=(1, 2, 3)) / 4  # in [0,1] units
    psnr = lambda m: float((10 * torch.log10(1 / m)).mean())
    torch.save({"latents": means, "scaling_factor": scaling}, os.path.join(common.CKPT, "latents.pt"))
    figures = dict(train_seconds=round(train_seconds), steps=args.steps, scaling_factor=scaling,
                   recon_psnr_train=psnr(mse[split == 0]), recon_psnr_heldout=psnr(mse[split == 1]))
    print(figures)
    common.record("vae", **figures)


if __name__ == "__main__":
    main()
