"""Text encoder + cross-attention UNet, trained jointly on VAE latents (epsilon prediction, SD 1.5 schedule).

Trained on the curated emoji subset (prepare_data.py) so that a caption reliably produces its emoji.
Captions are dropped to "" 10% of the time so classifier-free guidance works with an empty negative
prompt. An EMA copy of the weights is kept and is what gets exported.
"""
import argparse
import copy
import math
import os

import numpy as np
import torch

import common
from clip_tokenize import ClipTokenizer
from sd_modules import TextEncoder, UNet

TOKENIZER = os.path.join(common.CACHE, "tokenizer")
DIM = 64
DROP = 0.1


def alphas_cumprod():
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2  # scaled_linear
    return torch.cumprod(1 - betas, 0).float()


def build(vocab):
    return TextEncoder(vocab, dim=DIM, layers=2, heads=4), UNet(ctx_dim=DIM, ch=64, ch2=128)


def load_data():
    d = np.load(os.path.join(common.DATA, "emoji.npz"))
    lat = torch.load(os.path.join(common.CKPT, "latents.pt"))
    idx = np.nonzero(d["subset"])[0]
    tok = ClipTokenizer(TOKENIZER)
    ids = torch.tensor([tok(str(c)) for c in d["captions"][idx]], dtype=torch.int32)
    return lat["latents"][idx] * lat["scaling_factor"], ids, torch.tensor(tok(""), dtype=torch.int32), idx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=4500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-4)
    args = ap.parse_args()
    common.setup(21)
    latents, ids, empty, _ = load_data()
    vocab = len(ClipTokenizer(TOKENIZER).tok.encoder)
    te, unet = build(vocab)
    ema_te, ema_unet = copy.deepcopy(te), copy.deepcopy(unet)
    params = list(te.parameters()) + list(unet.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    mods = {"te": te, "unet": unet, "ema_te": ema_te, "ema_unet": ema_unet}
    step, elapsed = common.load_checkpoint("diffusion", mods, {"opt": opt})
    acp = alphas_cumprod()
    timer = common.Timer(elapsed)
    while step < args.steps:
        warm = min(1.0, (step + 1) / 200)
        for g in opt.param_groups:
            g["lr"] = args.lr * warm * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        i = torch.randint(len(latents), (args.batch,))
        z0, cond = latents[i], ids[i].clone()
        cond[torch.rand(args.batch) < DROP] = empty
        t = torch.randint(0, 1000, (args.batch,))
        a = acp[t].view(-1, 1, 1, 1)
        eps = torch.randn_like(z0)
        pred = unet(a.sqrt() * z0 + (1 - a).sqrt() * eps, t, te(cond)[0])
        loss = ((pred - eps) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for ema, live in ((ema_te, te), (ema_unet, unet)):
                for pe, pl in zip(ema.parameters(), live.parameters()):
                    pe.mul_(decay).add_(pl, alpha=1 - decay)
        if step % 100 == 0 or step == args.steps:
            print(f"step {step} loss {loss.item():.4f} {timer():.0f}s", flush=True)
            common.save_checkpoint("diffusion", mods, {"opt": opt}, step, timer())
    common.record("diffusion", train_seconds=round(timer()), steps=args.steps, batch=args.batch,
                  subset_size=len(latents))


if __name__ == "__main__":
    main()
