#!/usr/bin/env python3
"""Reference schedules and trajectories for the TypeScript schedulers, after diffusers.

Usage:
    /usr/bin/python3 models/tools/reference/schedulers_ref.py [--out src/diffusion/fixtures/schedulers.json]

diffusers is not installed here; diffusers_schedulers.py (next to this file) re-states its
scheduler code in torch/numpy with the same dtypes.

Every number is compared bit for bit by src/diffusion/schedulers/schedulers.test.ts (see
diffusers_schedulers.py for the three places where this differs from diffusers on old numpy/torch).

Trajectories run a fake model, out[i] = 0.1 * scaled_input[i] + sin(0.01 * t + 0.37 * i), from a
torch.randn latent; the noise each step draws (from the same torch.Generator) is stored with it.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diffusers_schedulers import KINDS, SD15  # noqa: E402
KARRAS_KINDS = ('euler', 'euler_ancestral', 'dpmpp_2m')
BETAS = {
    'sd15': dict(beta_start=0.00085, beta_end=0.012, beta_schedule='scaled_linear'),
    'linear': dict(beta_start=0.0001, beta_end=0.02, beta_schedule='linear'),
    'cosine': dict(beta_schedule='squaredcos_cap_v2'),
}


def f32list(t):
    return [float(v) for v in np.asarray(t, dtype=np.float32).reshape(-1)]


def beta_cases():
    from diffusers_schedulers import betas_for
    out = {}
    for name, b in BETAS.items():
        c = dict(SD15, **b)
        betas = betas_for(c)
        out[name] = {'betas': f32list(betas), 'alphasCumprod': f32list(torch.cumprod(1.0 - betas, dim=0))}
    return out


def schedule_cases():
    cases = []
    for kind, cls in KINDS.items():
        for betas, steps_list in (('sd15', [1, 2, 3, 10, 25, 50]), ('linear', [4, 20]), ('cosine', [4, 20])):
            spacings = ['leading'] if kind == 'lcm' else ['leading', 'trailing', 'linspace']
            for spacing in spacings:
                for karras in ([False, True] if kind in KARRAS_KINDS else [False]):
                    for extra in ([{}, {'skip_prk_steps': False}] if kind == 'pndm' else [{}]):
                        for steps in steps_list:
                            if kind == 'lcm' and steps > 50 or extra and steps < 4:
                                continue
                            c = dict(SD15, **BETAS[betas], timestep_spacing=spacing, use_karras_sigmas=karras, **extra)
                            s = cls(c, steps)
                            cases.append({
                                'kind': kind, 'betas': betas, 'spacing': spacing, 'karras': karras, 'steps': steps,
                                'extra': extra, 'timesteps': f32list(s.timesteps),
                                'sigmas': f32list(s.sigmas) if s.sigmas is not None else [],
                                'initNoiseSigma': float(s.init_noise_sigma),
                            })
    return cases


def fake_model(x, t):
    i = torch.arange(x.numel(), dtype=torch.float64).reshape(x.shape)
    return (0.1 * x.double() + torch.sin(0.01 * float(t) + 0.37 * i)).float()


def trajectory(kind, overrides, steps, shape=(1, 4, 2, 2)):
    c = dict(SD15, **overrides)
    s = KINDS[kind](c, steps)
    gen = torch.Generator().manual_seed(1234)
    x = torch.randn(shape, generator=gen) * s.init_noise_sigma
    record = {'kind': kind, 'config': overrides, 'steps': steps, 'noiseSeed': 1234,
              'timesteps': f32list(s.timesteps), 'initial': f32list(x), 'trace': []}
    for i in range(len(s.timesteps)):
        t = s.timesteps[i]
        model_in = s.scale(i, x)
        out = fake_model(model_in, t)
        prev, x0, noise = s.step(i, out, x, gen)
        record['trace'].append({'modelInput': f32list(model_in), 'modelOutput': f32list(out),
                                'prevSample': f32list(prev), 'predOriginal': f32list(x0),
                                'noise': f32list(noise) if noise is not None else None})
        x = prev.float()
    return record


def trajectory_cases():
    out = []
    for kind in KINDS:
        for pred in ('epsilon', 'v_prediction'):
            extra = {'set_alpha_to_one': True} if kind == 'lcm' else {}
            out.append(trajectory(kind, dict(prediction_type=pred, **extra), 4 if kind == 'lcm' else 5))
    out.append(trajectory('ddim', dict(eta=0.5), 5))
    out.append(trajectory('ddim', dict(timestep_spacing='trailing', eta=1.0), 4))
    out.append(trajectory('ddim', dict(clip_sample=True, timestep_spacing='linspace'), 5))
    for kind in KARRAS_KINDS:
        out.append(trajectory(kind, dict(use_karras_sigmas=True), 6))
    out.append(trajectory('dpmpp_2m', dict(timestep_spacing='trailing', prediction_type='v_prediction'), 6))
    out.append(trajectory('euler_ancestral', dict(timestep_spacing='trailing'), 4))
    out.append(trajectory('dpmpp_2m', dict(final_sigmas_type='sigma_min', lower_order_final=False), 5))
    out.append(trajectory('dpmpp_2m', dict(final_sigmas_type='sigma_min'), 5))
    # SD-Turbo: Euler, trailing, one step at t = 999
    out.append(trajectory('euler', dict(timestep_spacing='trailing'), 1))
    out.append(trajectory('euler_ancestral', dict(timestep_spacing='trailing'), 1))
    out.append(trajectory('lcm', dict(set_alpha_to_one=True), 1))
    out.append(trajectory('ddim', dict(timestep_spacing='trailing'), 1))
    out.append(trajectory('dpmpp_2m', dict(timestep_spacing='trailing'), 1))
    out.append(trajectory('pndm', dict(), 6))
    out.append(trajectory('pndm', dict(prediction_type='v_prediction', timestep_spacing='trailing'), 5))
    out.append(trajectory('pndm', dict(skip_prk_steps=False), 6))
    out.append(trajectory('pndm', dict(skip_prk_steps=False, timestep_spacing='linspace', set_alpha_to_one=True), 5))
    out.append(trajectory('pndm', dict(), 1))
    out.append(trajectory('euler', dict(timestep_spacing='linspace', use_karras_sigmas=True, final_sigmas_type='sigma_min'), 4))
    out.append(trajectory('euler', dict(beta_schedule='squaredcos_cap_v2', use_karras_sigmas=True), 5))
    out.append(trajectory('lcm', dict(clip_sample=True, clip_sample_range=0.5), 3))
    out.append(trajectory('ddim', dict(eta=1.0, set_alpha_to_one=True, beta_schedule='linear', beta_start=0.0001,
                                       beta_end=0.02), 5))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, '..', '..', '..'))
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(root, 'src/diffusion/fixtures/schedulers.json'))
    args = ap.parse_args()
    base = {k: v for k, v in SD15.items()}
    betas = beta_cases()
    schedules = schedule_cases()
    trajectories = trajectory_cases()
    with open(args.out, 'w') as f:
        f.write('{"source":"models/tools/reference/schedulers_ref.py","baseConfig":%s,\n' % json.dumps(base))
        f.write('"betaPresets":%s,\n' % json.dumps(BETAS))
        f.write('"betas":%s,\n"schedules":[\n' % json.dumps(betas, separators=(',', ':')))
        f.write(',\n'.join(json.dumps(c, separators=(',', ':')) for c in schedules))
        f.write('\n],"trajectories":[\n')
        f.write(',\n'.join(json.dumps(c, separators=(',', ':')) for c in trajectories))
        f.write('\n]}\n')
    print(f'{len(schedules)} schedules, {len(trajectories)} trajectories written to {args.out}')


if __name__ == '__main__':
    main()
