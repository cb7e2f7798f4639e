#!/usr/bin/env python3
"""Reference latents of the tiny test models' VAE encoder, for nodes/diffusion/imageToImage.test.ts.

Usage:
    /usr/bin/python3 models/tools/reference/vae_encode_ref.py [--out nodes/diffusion/fixtures/vae_encode.json]

The encoder is rebuilt in torch from make_tiny_sd.py (same seed, same weights as the exported files) and
run on the Gradient node's 64x64 image (red = x / 63, green = y / 63, blue = 0.5) mapped to [-1, 1] as
diffusers' VaeImageProcessor does (2x - 1). Latents as diffusers' img2img pipeline makes them:
scaling_factor * latent_dist.mean, and scaling_factor * latent_dist.sample(generator) with
torch.Generator().manual_seed(5) (DiagonalGaussianDistribution: mean + exp(0.5 * clamp(logvar, -30, 20)) * randn).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from make_tiny_sd import build_encoder  # noqa: E402

SCALING = 0.18215


def main():
    root = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(root, 'nodes/diffusion/fixtures/vae_encode.json'))
    args = ap.parse_args()
    encoder = build_encoder().eval()
    ramp = torch.tensor(np.arange(64, dtype=np.float64) / 63, dtype=torch.float32)
    image = torch.stack([ramp.reshape(1, 64).expand(64, 64), ramp.reshape(64, 1).expand(64, 64),
                         torch.full((64, 64), 0.5)]).unsqueeze(0)
    with torch.no_grad():
        mean, logvar = encoder(2 * image - 1)
    logvar = torch.clamp(logvar, -30.0, 20.0)
    std = torch.exp(0.5 * logvar)
    z = torch.randn(mean.shape, generator=torch.Generator().manual_seed(5))
    sample = mean + std * z
    out = {'source': 'models/tools/reference/vae_encode_ref.py', 'dims': list(mean.shape), 'seed': 5,
           'mean': [float(v) for v in (SCALING * mean).reshape(-1)],
           'sample': [float(v) for v in (SCALING * sample).reshape(-1)]}
    with open(args.out, 'w') as f:
        json.dump(out, f)
    print(f'written to {args.out}')


if __name__ == '__main__':
    main()
