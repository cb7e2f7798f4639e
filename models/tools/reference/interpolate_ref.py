#!/usr/bin/env python3
"""torch.nn.functional.interpolate references for src/diffusion/interpolate.test.ts.

Usage:
    /usr/bin/python3 models/tools/reference/interpolate_ref.py [--out src/diffusion/fixtures/interpolate.json]

Latent-like tensors (torch.randn, seed 0) resized to a size, align_corners False, as ComfyUI's
common_upscale calls it, for the modes nearest-exact, bilinear and bicubic, and legacy nearest (the
default mode, which diffusers' inpainting pipeline shrinks its mask with).
"""
import argparse
import json
import os

import torch
import torch.nn.functional as F

CASES = [((1, 4, 8, 8), (16, 16)), ((1, 4, 8, 8), (13, 11)), ((2, 4, 16, 12), (8, 6)), ((1, 4, 7, 5), (20, 9)),
         ((1, 4, 8, 8), (12, 12)), ((1, 4, 6, 10), (9, 15)), ((1, 4, 5, 5), (5, 5))]


def main():
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(root, 'src/diffusion/fixtures/interpolate.json'))
    args = ap.parse_args()
    g = torch.Generator().manual_seed(0)
    out = []
    for shape, size in CASES:
        x = torch.randn(shape, generator=g)
        for mode in ('nearest', 'nearest-exact', 'bilinear', 'bicubic'):
            y = F.interpolate(x, size=size, mode=mode, **({} if mode.startswith('nearest') else {'align_corners': False}))
            out.append({'dims': list(shape), 'size': list(size), 'mode': mode,
                        'input': [float(v) for v in x.reshape(-1)], 'output': [float(v) for v in y.reshape(-1)]})
    with open(args.out, 'w') as f:
        json.dump({'source': 'models/tools/reference/interpolate_ref.py', 'torch': torch.__version__, 'cases': out}, f)
    print(f'{len(out)} cases written to {args.out}')


if __name__ == '__main__':
    main()
