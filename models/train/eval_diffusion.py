"""Caption -> image retrieval check for the trained latent diffusion model, with a plain DDIM loop
(SD 1.5 schedule, 'leading' spacing, steps_offset 1, eta 0) and classifier-free guidance.

For 100 training captions (fixed seed), generate one image each and rank the dataset images by pixel
distance (MSE) to it; report how often the captioned emoji is top-1 / top-5, among the curated subset
and among all emoji.
"""
import argparse
import os

import numpy as np
import torch

import common
from clip_tokenize import ClipTokenizer
from sd_modules import VAEDecoder
from train_diffusion import TOKENIZER, alphas_cumprod, build, load_data
from train_vae import CH


def ddim(unet, cond, uncond, steps, cfg, generator, shape):
    acp = alphas_cumprod()
    ratio = 1000 // steps
    timesteps = (np.arange(steps) * ratio)[::-1] + 1
    x = torch.randn(shape, generator=generator)
    for t in timesteps:
        with torch.no_grad():
            eps_c, eps_u = unet(torch.cat([x, x]), torch.tensor([int(t)]), torch.cat([cond, uncond])).chunk(2)
        eps = eps_u + cfg * (eps_c - eps_u)
        a, a_prev = acp[t], acp[t - ratio] if t - ratio >= 0 else acp[0]
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x


def load_models():
    mods = common.load_weights("diffusion")
    te, unet = build(len(ClipTokenizer(TOKENIZER).tok.encoder))
    te.load_state_dict(mods["ema_te"]), unet.load_state_dict(mods["ema_unet"])
    dec = VAEDecoder(CH)
    dec.load_state_dict(common.load_weights("vae")["dec"])
    return te.eval(), unet.eval(), dec.eval()


def generate(te, unet, dec, scaling, captions, steps=25, cfg=4.0, seed=0):
    tok = ClipTokenizer(TOKENIZER)
    ids = torch.tensor([tok(c) for c in captions], dtype=torch.int32)
    with torch.no_grad():
        cond = te(ids)[0]
        uncond = te(torch.tensor([tok("")] * len(captions), dtype=torch.int32))[0]
        z = ddim(unet, cond, uncond, steps, cfg, torch.Generator().manual_seed(seed), (len(captions), 4, 8, 8))
        return ((dec(z / scaling).clamp(-1, 1) + 1) / 2).permute(0, 2, 3, 1).numpy()  # [N,64,64,3] in [0,1]


def retrieval(images, target_idx, pool):
    """Rank of each target among pool (indices into the dataset) by MSE to the generated image."""
    ranks = []
    for img, t in zip(images, target_idx):
        dist = ((pool_images(pool) - img) ** 2).mean(axis=(1, 2, 3))
        ranks.append(int((dist < dist[list(pool).index(t)]).sum()))
    ranks = np.array(ranks)
    return float((ranks < 1).mean()), float((ranks < 5).mean())


_DATA = {}


def pool_images(pool):
    key = tuple(pool)
    if key not in _DATA:
        d = np.load(os.path.join(common.DATA, "emoji.npz"))
        _DATA[key] = d["images"][list(pool)].astype(np.float32) / 255
    return _DATA[key]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--cfg", type=float, nargs="+", default=[1.0, 2.0, 4.0, 7.5])
    args = ap.parse_args()
    common.setup(0)
    d = np.load(os.path.join(common.DATA, "emoji.npz"))
    _, _, _, subset = load_data()
    scaling = torch.load(os.path.join(common.CKPT, "latents.pt"))["scaling_factor"]
    te, unet, dec = load_models()
    pick = np.random.default_rng(0).choice(subset, 100, replace=False)
    captions = [str(c) for c in d["captions"][pick]]
    results = {}
    for cfg in args.cfg:
        imgs = generate(te, unet, dec, scaling, captions, args.steps, cfg)
        sub1, sub5 = retrieval(imgs, pick, subset)
        all1, all5 = retrieval(imgs, pick, range(len(d["images"])))
        results[f"cfg{cfg}"] = dict(subset_top1=sub1, subset_top5=sub5, all_top1=all1, all_top5=all5)
        print(f"cfg {cfg}: subset top-1 {sub1:.2f} top-5 {sub5:.2f} | all emoji top-1 {all1:.2f} top-5 {all5:.2f}",
              flush=True)
    common.record("diffusion_eval", ddim_steps=args.steps, **results)


if __name__ == "__main__":
    main()
