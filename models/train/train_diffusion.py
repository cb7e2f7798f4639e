"""Cross-attention UNet on 4x16x16 VAE latents of 128x128 emoji (epsilon prediction, SD 1.5 schedule),
conditioned on the text encoder of train_text_encoder.py, which stays frozen (as SD's CLIP does).

Every step draws training-split images of all styles and, for each, one of its emoji's captions
(name, short names, keyword phrases; prepare_emoji.py); 40% of the time the image's style phrase is
added ("a cat in flat style", "a cat, 3d"), so the style is optional in the prompt and seeds pick among
the styles when it is left out. Captions are dropped to "" 10% of the time so classifier-free guidance
works with an empty negative prompt. Loss weighted by (min(SNR, 5) + 1) / SNR, capped at 20 (min-SNR
until step 3056 of the bundled run, which left the noisiest steps, where the prompt matters, underweighted).
An EMA copy of the weights (decay 0.999) is kept and is what gets exported.

The bundled run trained the text encoder jointly with the UNet for its first 9456 steps; the prompt
then hardly steered the picture (a wrong caption raised the loss at the noisiest steps by 14%), and
from there on the pretrained, frozen encoder replaced it, the UNet resuming with its weights.
"""
import argparse
import copy
import json
import math
import os
import random

import numpy as np
import torch

import common
from clip_tokenize import ClipTokenizer
from prepare_emoji import bare
from sd_modules import TextEncoder, UNet2

TOKENIZER = os.path.join(common.CACHE, "tokenizer")
DIM, LAYERS, HEADS = 96, 3, 4
CHANNELS = (64, 128, 192)
DROP = 0.1
STYLE_P = 0.4
SNR_GAMMA = 5.0
HIGH_NOISE_CAP = 20.0
# Parameters added after a checkpoint was written (resumed from their initial values): the prompt to
# the time embedding, from step 1929 of the bundled run.
ADDED = ("ctx_time.",)


def alphas_cumprod():
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2  # scaled_linear
    return torch.cumprod(1 - betas, 0).float()


def build_text_encoder(vocab):
    return TextEncoder(vocab, dim=DIM, layers=LAYERS, heads=HEADS, pad_with_pooled=True)


def build(vocab):
    return build_text_encoder(vocab), UNet2(ctx_dim=DIM, chs=CHANNELS, ctx_to_time=True)


def with_style(caption, phrase):
    return f"{caption} {phrase}" if phrase.startswith("in ") else f"{caption}, {phrase}"


class Captions:
    """Random caption for an image, tokenized (cached)."""

    def __init__(self, meta, tokenizer, plain_p=0.0):
        self.meta, self.tok, self.cache, self.plain_p = meta, tokenizer, {}, plain_p
        # per emoji, the captions that are its plain names ("cat", "a cat"): what people type
        self.plain = [[c for c in e["captions"] if bare(c) in e["plain"]] for e in meta["emoji"]]

    def ids(self, text):
        if text not in self.cache:
            self.cache[text] = self.tok(text)
        return self.cache[text]

    def sample(self, emoji, style, rng):
        if rng.random() < DROP:
            return ""
        pool = self.plain[emoji] if rng.random() < self.plain_p else self.meta["emoji"][emoji]["captions"]
        text = rng.choice(pool)
        if rng.random() < STYLE_P:
            text = with_style(text, rng.choice(self.meta["style_phrases"][self.meta["styles"][style]]))
        return text


def load_data():
    d = np.load(os.path.join(common.DATA, "emoji128.npz"))
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json")))
    lat = torch.load(os.path.join(common.CKPT, "latents.pt"))
    keep = d["split"] == 0
    return (lat["latents"][keep] * lat["scaling_factor"], d["emoji"][keep], d["style"][keep], meta,
            lat["scaling_factor"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=4e-4)
    # Stop early, with the schedule still that of --steps: how a run's learning-rate schedule is changed
    # mid-run (train_all.sh's continuation stages)
    ap.add_argument("--stop-at", type=int, default=None)
    # Share of captions drawn from an emoji's plain names alone (else from all its captions, where the
    # plain names are about a quarter): the continuation stage that sharpens "a cat", "a car", ...
    ap.add_argument("--plain-p", type=float, default=0.0)
    args = ap.parse_args()
    end = min(args.steps, args.stop_at or args.steps)
    common.setup(21)
    latents, emoji, style, meta, _ = load_data()
    tok = ClipTokenizer(TOKENIZER)
    captions = Captions(meta, tok, args.plain_p)
    te, unet = build(len(tok.tok.encoder))
    ema_te, ema_unet = copy.deepcopy(te), copy.deepcopy(unet)
    named = list(te.named_parameters()) + list(unet.named_parameters())
    # the parameters added mid-run in a group of their own, so the saved optimizer state still lines up
    groups = [[p for n, p in named if not n.startswith(ADDED)], [p for n, p in named if n.startswith(ADDED)]]
    opt = torch.optim.AdamW([{"params": g} for g in groups], lr=args.lr, weight_decay=0.0)
    mods = {"te": te, "unet": unet, "ema_te": ema_te, "ema_unet": ema_unet}
    step, elapsed = common.load_checkpoint("diffusion", mods, {"opt": opt}, added=ADDED)
    # The text encoder always comes from its own stage, frozen: no gradients (AdamW skips it), and its
    # EMA copy is itself.
    pretrained = common.load_weights("text_encoder")["te"]
    for m in (te, ema_te):
        m.load_state_dict(pretrained)
        m.requires_grad_(False)
    rng = random.Random(1000 + step)  # caption choice; reseeded from the step on resume
    acp = alphas_cumprod()
    timer = common.Timer(elapsed)
    saver = common.Saver("diffusion", mods, {"opt": opt})
    print(f"{len(latents)} training latents, text encoder {sum(p.numel() for p in te.parameters())} "
          f"params, UNet {sum(p.numel() for p in unet.parameters())} params", flush=True)
    while step < end:
        warm = min(1.0, (step + 1) / 500)
        for g in opt.param_groups:
            g["lr"] = args.lr * warm * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        i = torch.randint(len(latents), (args.batch,))
        z0 = latents[i]
        cond = torch.tensor([captions.ids(captions.sample(int(emoji[k]), int(style[k]), rng)) for k in i],
                            dtype=torch.int32)
        t = torch.randint(0, 1000, (args.batch,))
        a = acp[t].view(-1, 1, 1, 1)
        eps = torch.randn_like(z0)
        with torch.no_grad():
            ctx = te(cond)[0]
        pred = unet(a.sqrt() * z0 + (1 - a).sqrt() * eps, t, ctx)
        snr = acp[t] / (1 - acp[t])
        # (min(SNR, gamma) + 1) / SNR, at most 20: v-prediction's loss below gamma, min-SNR's decay above.
        # The noisiest steps, where the prompt decides the layout, weigh up to 20x what min-SNR gave
        # them (with min-SNR alone the prompt changed the loss by 0.4% after 2900 steps).
        weight = torch.clamp((torch.clamp(snr, max=SNR_GAMMA) + 1) / snr, max=HIGH_NOISE_CAP)
        loss = (((pred - eps) ** 2).mean(dim=(1, 2, 3)) * weight).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(unet.parameters(), 1.0)
        opt.step()
        step += 1
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pl in zip(ema_unet.parameters(), unet.parameters()):
                pe.mul_(decay).add_(pl, alpha=1 - decay)
        if step % 50 == 0 or step == end:
            print(f"step {step} loss {loss.item():.4f} {timer():.0f}s", flush=True)
        saver.maybe(step, timer(), force=step == end)
    common.record("diffusion", train_seconds=round(timer()), steps=args.steps, batch=args.batch,
                  train_images=len(latents), params_text_encoder=sum(p.numel() for p in te.parameters()),
                  params_unet=sum(p.numel() for p in unet.parameters()))


if __name__ == "__main__":
    main()
