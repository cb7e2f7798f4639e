#!/usr/bin/env python3
"""Reference image-to-image runs for the TypeScript schedulers, after diffusers' StableDiffusionImg2ImgPipeline.

Usage:
    /usr/bin/python3 models/tools/reference/img2img_ref.py [--out src/diffusion/fixtures/img2img.json]

For every scheduler, steps {1, 4, 10, 20, 50} and strength {0.1, 0.3, 0.5, 0.75, 1.0} (and a few other
configs): the pipeline's get_timesteps (init_timestep = min(int(steps * strength), steps), t_start =
steps - init_timestep, timesteps[t_start * order:], set_begin_index(t_start)), the start latent
scheduler.add_noise(init_latents, noise, timesteps[:1]) with noise = torch.randn(shape, generator)
drawn first from a torch.Generator seeded 1234 (the pipeline with latents passed in: no VAE
encode draws from it), then every step of the loop with a fake model whose float32 arithmetic the
TypeScript test repeats exactly: out = 0.5 * x + c * float32(t / 1000). Ancestral and LCM steps draw
their noise from the same generator, after the start noise. Cases with int(steps * strength) = 0
leave the pipeline no step (diffusers then fails on an empty timestep list) and are marked refused.

Inpainting cases (StableDiffusionInpaintPipeline with a 4-channel UNet): the same, with a mask over the
latent (MASK: 1 = repaint); at strength 1 the start is noise * init_noise_sigma (is_strength_max), and
after every step but the last the latent outside the mask is reset to the init latent noised to the
next timestep: latents = (1 - mask) * add_noise(init, noise, timesteps[i + 1]) + mask * latents (at the
last step, the init latent itself).

Schedulers are diffusers_schedulers.py's re-statements (see its docstring).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diffusers_schedulers import KINDS, SD15  # noqa: E402

SHAPE = (1, 4, 1, 2)
C = torch.tensor([-1.0, -0.625, -0.375, -0.125, 0.125, 0.375, 0.625, 1.0], dtype=torch.float32).reshape(SHAPE)
INIT = (torch.randn(SHAPE, generator=torch.Generator().manual_seed(7)) * 0.8).float()
MASK = torch.tensor([0.0, 1.0], dtype=torch.float32).reshape(1, 1, 1, 2)
STEPS = [1, 4, 10, 20, 50]
STRENGTHS = [0.1, 0.3, 0.5, 0.75, 1.0]
EXTRA_CONFIGS = [
    ('euler', dict(timestep_spacing='trailing')),
    ('euler', dict(use_karras_sigmas=True, timestep_spacing='linspace')),
    ('euler_ancestral', dict(timestep_spacing='trailing')),
    ('dpmpp_2m', dict(use_karras_sigmas=True)),
    ('dpmpp_2m', dict(final_sigmas_type='sigma_min')),
    ('ddim', dict(eta=1.0, timestep_spacing='trailing')),
    ('ddim', dict(prediction_type='v_prediction', timestep_spacing='trailing')),
    ('pndm', dict(timestep_spacing='linspace')),
]


def f32list(t):
    return [float(v) for v in np.asarray(t, dtype=np.float32).reshape(-1)]


def fake_model(x, t):
    tt = torch.tensor(float(t) / 1000.0, dtype=torch.float32)
    return 0.5 * x + C * tt


def case(kind, overrides, steps, strength):
    c = dict(SD15, **overrides)
    s = KINDS[kind](c, steps)
    init_timestep = min(int(steps * strength), steps)
    t_start = max(steps - init_timestep, 0)
    record = {'kind': kind, 'config': overrides, 'steps': steps, 'strength': strength}
    if init_timestep == 0:
        record['refused'] = True
        return record
    gen = torch.Generator().manual_seed(1234)
    noise = torch.randn(SHAPE, generator=gen)
    x = s.add_noise(INIT, noise, t_start)
    record.update({'begin': t_start, 'timesteps': f32list(s.timesteps[t_start:]), 'start': f32list(x), 'trace': []})
    for i in range(t_start, len(s.timesteps)):
        model_in = s.scale(i, x)
        out = fake_model(model_in, s.timesteps[i])
        prev, _x0, _noise = s.step(i, out, x, gen)
        record['trace'].append(f32list(prev))
        x = prev.float()
    return record


def inpaint_case(kind, steps, strength):
    c = dict(SD15, **({'set_alpha_to_one': True} if kind == 'lcm' else {}))
    s = KINDS[kind](c, steps)
    init_timestep = min(int(steps * strength), steps)
    t_start = max(steps - init_timestep, 0)
    gen = torch.Generator().manual_seed(1234)
    noise = torch.randn(SHAPE, generator=gen)
    x = noise * s.init_noise_sigma if strength == 1.0 else s.add_noise(INIT, noise, t_start)
    record = {'kind': kind, 'config': {}, 'steps': steps, 'strength': strength, 'begin': t_start,
              'start': f32list(x), 'trace': []}
    n = len(s.timesteps)
    for i in range(t_start, n):
        out = fake_model(s.scale(i, x), s.timesteps[i])
        prev, _x0, _noise = s.step(i, out, x, gen)
        proper = INIT if i == n - 1 else s.add_noise(INIT, noise, i + 1)
        x = ((1 - MASK) * proper + MASK * prev.float()).float()
        record['trace'].append(f32list(x))
    return record


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, '..', '..', '..'))
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(root, 'src/diffusion/fixtures/img2img.json'))
    args = ap.parse_args()
    cases = []
    for kind in KINDS:
        extra = {'set_alpha_to_one': True} if kind == 'lcm' else {}
        for steps in STEPS:
            for strength in STRENGTHS:
                cases.append(case(kind, extra, steps, strength))
    for kind, overrides in EXTRA_CONFIGS:
        for steps in (4, 20):
            for strength in (0.3, 0.75, 1.0):
                cases.append(case(kind, overrides, steps, strength))
    inpaint = [inpaint_case(kind, steps, strength) for kind in KINDS for steps in (4, 20) for strength in (0.5, 1.0)]
    with open(args.out, 'w') as f:
        f.write('{"source":"models/tools/reference/img2img_ref.py","baseConfig":%s,\n' % json.dumps(SD15))
        f.write('"mask":%s,"inpaint":[\n%s\n],\n' % (json.dumps(f32list(MASK)), ',\n'.join(json.dumps(c, separators=(',', ':')) for c in inpaint)))
        f.write('"shape":%s,"c":%s,"init":%s,"noiseSeed":1234,"cases":[\n' % (
            json.dumps(list(SHAPE)), json.dumps(f32list(C)), json.dumps(f32list(INIT))))
        f.write(',\n'.join(json.dumps(c, separators=(',', ':')) for c in cases))
        f.write('\n]}\n')
    print(f'{len(cases)} cases ({sum(1 for c in cases if c.get("refused"))} refused) written to {args.out}')


if __name__ == '__main__':
    main()
