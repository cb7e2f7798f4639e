"""Judge a GAN (EMA generator) with the emoji classifier and a checkerboard measure: train_gan.py's
pixel GAN (64 px, `--model gan`, the default), train_latent_gan.py's latent GAN with the VAE decoder
(128 px, `--model latent_gan`) or train_cond_gan.py's class-conditional one (`--model cond_gan`: each
sample asks for a class drawn with a fixed seed, and the share whose top-1 is that class is reported too).

For 256 codes (fixed seed), at truncation psi = 1 and at the export value:
- recognisable: share of samples the classifier gives a top-1 probability above 0.5 (bar: >= 60%);
- highest-frequency energy: mean power of the 2-D FFT (per channel, images in [0,1]) on the Nyquist row
  and column, where a checkerboard puts its energy, divided by the same for 256 real training images at
  the GAN's size (64 px: 2x2 averages of the 128 px images; 128 px: as they are) (bar: <= 1.5).
The classifier takes 64 px images: 128 px samples are averaged 2x2 first (eval_diffusion.classify).
Writes figures to results.json ("eval_<model>") and a 64-sample sheet to $LOOM_TRAIN_CACHE/eval/<model>.png.
"""
import argparse
import json
import os

import numpy as np
import torch

import common
import train_cond_gan
import train_gan
import train_latent_gan
from eval_diffusion import classify, load_classifier

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
    ap.add_argument("--model", choices=["gan", "latent_gan", "cond_gan"], default="gan")
    ap.add_argument("--psi", type=float, default=EXPORT_PSI, help="the export psi, judged besides psi 1")
    args = ap.parse_args()
    common.setup(0)
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json")))
    clf = load_classifier(len(meta["emoji"]))
    if args.model == "gan":
        g = train_gan.Generator()
        g.load_state_dict(common.load_weights("gan")["ema"])
        g.eval()
        real = train_gan.load_train()
    else:
        g = Truncated(train_latent_gan.load_exported() if args.model == "latent_gan" else train_cond_gan.load_exported())
        d = np.load(os.path.join(common.DATA, "emoji128.npz"))
        real = torch.tensor(d["images"][d["split"] == 0]).permute(0, 3, 1, 2)
    pick = torch.randperm(len(real), generator=torch.Generator().manual_seed(0))[:args.samples]
    real_energy = nyquist_energy(real[pick].float() / 255)
    z = torch.randn(args.samples, train_gan.Z, generator=torch.Generator().manual_seed(0))
    # the class-conditional GAN draws a class per sample (fixed seed), and is also judged on drawing it
    asked = torch.randint(len(meta["emoji"]), (args.samples,), generator=torch.Generator().manual_seed(1))
    figures = dict(model=args.model, samples=args.samples, real_nyquist_energy=real_energy)
    for psi in (1.0, args.psi):
        g.psi = psi
        with torch.no_grad():
            imgs = torch.cat([(g(z[i:i + 64], asked[i:i + 64]) + 1) / 2 if args.model == "cond_gan" else (g(z[i:i + 64]) + 1) / 2
                              for i in range(0, len(z), 64)])
            probs = classify(clf, imgs.clamp(0, 1))
        conf, label = probs.max(-1)
        energy = nyquist_energy(imgs)
        figures[f"psi_{psi}"] = dict(confident_share=float((conf > 0.5).float().mean()),
                                     mean_top1_prob=float(conf.mean()),
                                     distinct_top1=int(len(set(label[conf > 0.5].tolist()))),
                                     nyquist_energy=energy, nyquist_ratio=energy / real_energy)
        if args.model == "cond_gan":
            figures[f"psi_{psi}"]["asked_top1_share"] = float((label == asked).float().mean())
        if psi == args.psi:
            sheet = (imgs[:64].permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8)
            os.makedirs(os.path.join(common.CACHE, "eval"), exist_ok=True)
            common.save_sheet(sheet, os.path.join(common.CACHE, "eval", args.model + ".png"))
    print(json.dumps(figures, indent=1))
    common.record("eval_" + args.model, **figures)


class Truncated(torch.nn.Module):
    """A latent GAN as eval_gan calls a generator: g(z) (or g(z, labels), class-conditional) with g.psi,
    image in [-1,1]."""

    def __init__(self, exported):
        super().__init__()
        self.exported, self.psi = exported, 1.0

    def forward(self, z, *labels):
        return self.exported(z, *labels, torch.tensor([self.psi]))


if __name__ == "__main__":
    main()
