#!/usr/bin/env python3
"""torch.exp on float32 CPU tensors, for src/diffusion/schedulers/float32.test.ts (torchExpf).

Usage:
    /usr/bin/python3 models/tools/reference/torch_exp_ref.py [--out src/diffusion/fixtures/torch_exp.json]

aten's float32 exp is SLEEF's 1-ulp expf, which differs from the correctly rounded value for about 1 in
10 inputs; the fixture records inputs and torch's outputs, and how many differ from correct rounding.
"""
import argparse
import json
import os

import numpy as np
import torch


def main():
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(root, 'src/diffusion/fixtures/torch_exp.json'))
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    xs = np.concatenate([rng.uniform(-1, 1, 1000), rng.uniform(-20, 20, 1000), rng.uniform(-110, 110, 100),
                         [0.0, -0.0, 1.0, -1.0, 88.0, -87.0, 100.5, -104.5]]).astype(np.float32)
    ys = torch.exp(torch.from_numpy(xs)).numpy()
    rounded = np.exp(xs.astype(np.float64)).astype(np.float32)
    with open(args.out, 'w') as f:
        json.dump({'source': 'models/tools/reference/torch_exp_ref.py', 'torch': torch.__version__,
                   'notCorrectlyRounded': int(np.sum(ys != rounded)),
                   'x': [float(v) for v in xs], 'exp': [float(v) if np.isfinite(v) else 'inf' for v in ys]}, f)
    print(f'{len(xs)} values, {int(np.sum(ys != rounded))} not correctly rounded, written to {args.out}')


if __name__ == '__main__':
    main()
