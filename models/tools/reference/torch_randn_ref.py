#!/usr/bin/env python3
"""Fixture of torch.randn values on CPU for the TypeScript TorchGenerator tests.

Usage:
    /usr/bin/python3 models/tools/reference/torch_randn_ref.py [--out src/diffusion/fixtures/torch_randn.json]

Each case seeds g = torch.Generator().manual_seed(seed) and calls torch.randn(shape, generator=g)
one or more times on the same generator. Small outputs are stored whole; large ones as the first and
last 64 values, every 499th value, the float64 sum, and an FNV-1a hash of the float32 bit patterns.
Values are float32 written as the shortest decimal that reads back to the same float.
"""
import argparse
import json
import os

import numpy as np
import torch

SEEDS = [0, 1, 42, 123456789, 2 ** 32 - 1, 2 ** 32 + 5, 2 ** 53 - 1, -1]
SINGLE_SHAPES = [[1], [7], [15], [16], [17], [33], [100], [1000], [1, 4, 8, 8], [1, 4, 16, 16], [2, 4, 64, 64]]
SEQUENCES = [[[5], [20], [16]], [[20], [5], [3]], [[1], [1], [1], [17]], [[7], [7]], [[1, 4, 8, 8], [3], [1, 4, 8, 8]]]
FULL_LIMIT = 300


def fnv1a(values):
    h = 0x811C9DC5
    for w in values.view(np.uint32).tolist():
        h = ((h ^ w) * 16777619) & 0xFFFFFFFF
    return h


def describe(t):
    a = t.contiguous().view(-1).numpy().astype(np.float32)
    floats = lambda x: [float(v) for v in x]
    out = {'shape': list(t.shape), 'n': int(a.size), 'hash': fnv1a(a), 'sum': float(a.astype(np.float64).sum())}
    if a.size <= FULL_LIMIT:
        out['values'] = floats(a)
    else:
        out['head'] = floats(a[:64])
        out['tail'] = floats(a[-64:])
        out['every499'] = floats(a[::499])
    return out


def run(seed, shapes):
    try:
        g = torch.Generator().manual_seed(seed)
    except (RuntimeError, OverflowError, ValueError) as e:
        return {'seed': str(seed), 'error': str(e)}
    return {'seed': str(seed), 'calls': [describe(torch.randn(s, generator=g)) for s in shapes]}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, '..', '..', '..'))
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(root, 'src/diffusion/fixtures/torch_randn.json'))
    args = ap.parse_args()
    cases = []
    for seed in SEEDS:
        for shape in SINGLE_SHAPES:
            cases.append(run(seed, [shape]))
    for seed in [0, 42, 2 ** 32 + 5]:
        for seq in SEQUENCES:
            cases.append(run(seed, seq))
    meta = {'source': 'models/tools/reference/torch_randn_ref.py',
            'torch': torch.__version__,
            'cpuCapability': torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else
            [l.split(':')[1].strip() for l in torch.__config__.show().split('\n') if 'CPU capability' in l][0]}
    with open(args.out, 'w') as f:
        f.write('{"meta":%s,"cases":[\n' % json.dumps(meta))
        f.write(',\n'.join(json.dumps(c, separators=(',', ':')) for c in cases))
        f.write('\n]}\n')
    print(f'{len(cases)} cases written to {args.out}')


if __name__ == '__main__':
    main()
