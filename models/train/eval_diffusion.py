"""Judge text to image with the emoji classifier (train_classifier.py), as issue "Bundled models v2" sets the bars.

Sampling as the app's default graph: Euler (diffusers' EulerDiscreteScheduler, SD 1.5 schedule,
'leading' spacing, steps_offset 1), 20 steps, classifier-free guidance 7 (the default graph's) with an empty negative prompt,
128x128 (16x16 latents). Uses the EMA text encoder and UNet, the VAE decoder and the classifier.

- Recognition: 200 captions drawn with a fixed seed from the plain-word captions (emoji names and short
  names, with or without "a"/"an", no keyword or style phrases), 4 seeds each. A caption's subject is
  every emoji that has it as a plain caption ("a cat" -> cat face, cat); an image counts when the
  classifier's top 5 (top 1) contains a subject. Bar: top-5 >= 70%.
- Seed diversity: mean pixel RMS (in [0,1]) between the 4 seeds of one caption, over the mean RMS between
  images of different captions. Bar: >= 0.5.
- Named prompts ("a cat", "a dog", ...): how many of 4 seeds the classifier's top 1 recognises. Bar: >= 3.
Writes figures to results.json ("eval_diffusion") and a sample sheet to $LOOM_TRAIN_CACHE/eval/.
"""
import argparse
import json
import os
import random

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import common
import train_classifier
import train_diffusion
import train_vae
from clip_tokenize import ClipTokenizer
from prepare_emoji import bare, plain_captions

NAMED = ["a cat", "a dog", "a car", "a rocket", "a banana", "a red heart", "a bicycle", "pizza"]


def euler_schedule(steps, acp):
    """diffusers EulerDiscreteScheduler, leading spacing, steps_offset 1: (timesteps, sigmas + [0], init sigma)."""
    ratio = 1000 // steps
    ts = (np.arange(0, steps) * ratio).round()[::-1].astype(np.float64) + 1
    train_sigmas = ((1 - acp.double()) / acp.double()).sqrt().numpy()
    sigmas = np.interp(ts, np.arange(1000), train_sigmas)
    sigmas = np.concatenate([sigmas, [0.0]]).astype(np.float32)
    return torch.tensor(ts.copy()), torch.tensor(sigmas), float(np.sqrt(sigmas.max() ** 2 + 1))


@torch.no_grad()
def generate(te, unet, dec, scaling, tok, prompts, seeds, steps=20, cfg=7.0, size=128):
    """prompts and seeds of equal length -> images float [N,3,size,size] in [0,1]."""
    acp = train_diffusion.alphas_cumprod()
    ts, sigmas, init = euler_schedule(steps, acp)
    ids = torch.tensor([tok(p) for p in prompts], dtype=torch.int32)
    cond, uncond = te(ids)[0], te(torch.tensor([tok("")], dtype=torch.int32))[0].expand(len(prompts), -1, -1)
    h = size // 8
    x = torch.stack([torch.randn(4, h, h, generator=torch.Generator().manual_seed(int(s))) for s in seeds]) * init
    for i, t in enumerate(ts):
        s = sigmas[i]
        inp = x / torch.sqrt(s * s + 1)
        tt = torch.full((len(prompts),), int(t), dtype=torch.long)
        eps = unet(torch.cat([inp, inp]), torch.cat([tt, tt]), torch.cat([uncond, cond]))
        eu, ec = eps.chunk(2)
        eps = eu + cfg * (ec - eu)
        x0 = x - s * eps
        x = x + (x - x0) / s * (sigmas[i + 1] - s)
    return ((dec(x / scaling).clamp(-1, 1) + 1) / 2)


def load_models():
    tok = ClipTokenizer(train_diffusion.TOKENIZER)
    te, unet = train_diffusion.build(len(tok.tok.encoder))
    w = common.load_weights("diffusion")
    te.load_state_dict(w["ema_te"])
    unet.load_state_dict(w["ema_unet"])
    _, dec = train_vae.build()
    dec.load_state_dict(common.load_weights("vae")["dec"])
    lat = torch.load(os.path.join(common.CKPT, "latents.pt"))
    for m in (te, unet, dec):
        m.eval()
    return te, unet, dec, lat["scaling_factor"], tok


def load_classifier(classes):
    net = train_classifier.build(classes)
    net.load_state_dict(common.load_weights("classifier")["net"])
    return net.eval()


@torch.no_grad()
def classify(net, images):
    """images [N,3,128,128] in [0,1] -> probabilities [N,classes]."""
    return train_classifier.predict(net, F.avg_pool2d(images, images.shape[-1] // train_classifier.IN))


def rms(a, b):
    return float(((a - b) ** 2).mean().sqrt())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--captions", type=int, default=200)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--cfg", type=float, default=7.0)
    args = ap.parse_args()
    common.setup(0)
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json")))
    te, unet, dec, scaling, tok = load_models()
    clf = load_classifier(len(meta["emoji"]))
    subjects = meta["subjects"]

    def judge(prompts):
        seeds = [1000 + k for _ in prompts for k in range(args.seeds)]
        imgs = []
        flat = [p for p in prompts for _ in range(args.seeds)]
        for i in range(0, len(flat), 16):
            imgs.append(generate(te, unet, dec, scaling, tok, flat[i:i + 16], seeds[i:i + 16], args.steps, args.cfg))
        imgs = torch.cat(imgs)
        probs = classify(clf, imgs)
        top5 = probs.topk(5, -1).indices
        hit5 = torch.tensor([bool(set(top5[k].tolist()) & set(subjects[bare(p)])) for k, p in enumerate(flat)])
        hit1 = torch.tensor([int(top5[k, 0]) in subjects[bare(p)] for k, p in enumerate(flat)])
        return imgs, hit1, hit5

    # named prompts
    named_imgs, named1, _ = judge(NAMED)
    named = {p: int(named1[k * args.seeds:(k + 1) * args.seeds].sum()) for k, p in enumerate(NAMED)}
    print("named prompts, seeds recognised (top 1):", named, flush=True)

    pool = plain_captions(meta)
    prompts = random.Random(16).sample(pool, args.captions)
    imgs, hit1, hit5 = judge(prompts)
    g = imgs.reshape(len(prompts), args.seeds, -1)
    within = np.mean([rms(g[p, i], g[p, j]) for p in range(len(prompts))
                      for i in range(args.seeds) for j in range(i + 1, args.seeds)])
    rng = np.random.default_rng(0)
    pairs = [(a, b) for a, b in rng.integers(0, len(prompts), (2000, 2)) if a != b]
    between = np.mean([rms(g[a, rng.integers(args.seeds)], g[b, rng.integers(args.seeds)]) for a, b in pairs])
    figures = dict(captions=len(prompts), seeds=args.seeds, steps=args.steps, cfg=args.cfg,
                   top1=float(hit1.float().mean()), top5=float(hit5.float().mean()),
                   rms_between_seeds=float(within), rms_between_prompts=float(between),
                   seed_diversity=float(within / between), named_top1_of_4=named,
                   named_ok=sum(v >= 3 for v in named.values()))
    print(json.dumps(figures, indent=1))
    common.record("eval_diffusion", **figures)
    out = os.path.join(common.CACHE, "eval")
    os.makedirs(out, exist_ok=True)
    sheet = torch.cat([named_imgs, imgs[:16 * args.seeds]])  # rows: one caption's seeds
    sheet = (sheet.permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8)
    rows = [np.concatenate(list(sheet[r * args.seeds:(r + 1) * args.seeds]), 1) for r in range(len(sheet) // args.seeds)]
    cols = 4
    rows += [np.full_like(rows[0], 255)] * (-len(rows) % cols)
    grid = np.concatenate([np.concatenate(rows[c::cols], 0) for c in range(cols)], 1)
    Image.fromarray(grid).save(os.path.join(out, "text_to_image.png"))
    with open(os.path.join(out, "text_to_image.txt"), "w") as f:
        f.write("text_to_image.png: column-major blocks of 4 seeds per caption:\n" + "\n".join(NAMED + prompts[:16]) + "\n")


if __name__ == "__main__":
    main()
