"""Judge the GAN (train_gan.py, EMA generator) with the emoji classifier and a checkerboard measure.

For 256 codes (fixed seed), at truncation psi = 1 and at the export value:
- recognisable: share of samples the classifier gives a top-1 probability above 0.5 (bar: >= 60%);
- highest-frequency energy: mean power of the 2-D FFT (per channel, images in [0,1]) on the Nyquist row
  and column, where a checkerboard puts its energy, divided by the same for 256 real training images at
  64 px (bar: <= 1.5).
Writes figures to results.json ("eval_gan") and a 64-sample sheet to $LOOM_TRAIN_CACHE/eval/gan.png.
"""
import argparse
import json
import os

import numpy as np
import torch
from PIL import Image

import common
import train_gan
from eval_diffusion import load_classifier

EXPORT_PSI = 0.7


def nyquist_energy(x):
    """x [N,3,H,W] in [0,1] -> mean power on the Nyquist row and column of the centred spectrum."""
    x = x - x.mean(dim=(2, 3), keepdim=True)
    p = torch.fft.fft2(x).abs() ** 2 / (x.shape[-1] * x.shape[-2])
    h, w = x.shape[-2:]
    return float((p[..., h // 2, :].mean() + p[..., :, w // 2].mean()) / 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=256)
    args = ap.parse_args()
    common.setup(0)
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json")))
    clf = load_classifier(len(meta["emoji"]))
    g = train_gan.Generator()
    g.load_state_dict(common.load_weights("gan")["ema"])
    g.eval()
    real = train_gan.load_train()
    pick = torch.randperm(len(real), generator=torch.Generator().manual_seed(0))[:args.samples]
    real_energy = nyquist_energy(real[pick].float() / 255)
    z = torch.randn(args.samples, train_gan.Z, generator=torch.Generator().manual_seed(0))
    figures = dict(samples=args.samples, real_nyquist_energy=real_energy)
    for psi in (1.0, EXPORT_PSI):
        g.psi = psi
        with torch.no_grad():
            imgs = (g(z) + 1) / 2
        probs = clf(imgs.clamp(0, 1)).softmax(-1)
        conf, label = probs.max(-1)
        energy = nyquist_energy(imgs)
        figures[f"psi_{psi}"] = dict(confident_share=float((conf > 0.5).float().mean()),
                                     mean_top1_prob=float(conf.mean()),
                                     distinct_top1=int(len(set(label[conf > 0.5].tolist()))),
                                     nyquist_energy=energy, nyquist_ratio=energy / real_energy)
        if psi == EXPORT_PSI:
            sheet = (imgs[:64].permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8)
            grid = np.concatenate([np.concatenate(list(sheet[r * 8:(r + 1) * 8]), 1) for r in range(len(sheet) // 8)], 0)
            os.makedirs(os.path.join(common.CACHE, "eval"), exist_ok=True)
            Image.fromarray(grid).save(os.path.join(common.CACHE, "eval", "gan.png"))
    print(json.dumps(figures, indent=1))
    common.record("eval_gan", **figures)


if __name__ == "__main__":
    main()
