"""Text encoder for text to image, trained before the UNet and then frozen (as Stable Diffusion's CLIP is).

Captions are mapped into the emoji classifier's feature space: the pooled (end-of-text) state, through a
linear projection, must give the caption's subject under the classifier's own, frozen, last layer
(cross-entropy; "a cat" is shared by every emoji it names), and a second head tells the style phrase
("in flat style", or none). So text states tell subjects apart from the first UNet step, where a text
encoder trained jointly with the UNet learned to separate them slowly: after 7700 joint steps a wrong
caption raised the loss at the noisiest steps by only 14%.

Captions are sampled as train_diffusion.py samples them (any caption of the emoji, 40% with a style
phrase). Only the encoder is kept for the diffusion model; the heads are dropped. Resumable (checkpoint
"text_encoder"); writes its figures to results.json.
"""
import argparse
import json
import math
import os
import random

import torch
import torch.nn.functional as F
from torch import nn

import common
import train_classifier
import train_diffusion
from clip_tokenize import ClipTokenizer
from prepare_emoji import bare, plain_captions


def pooled_short(te, ids):
    """te's pooled output computed on the ids cut after the longest prompt: the encoder's mask is causal,
    so the values are those of the full 77 positions, at a fraction of the work."""
    ids = ids.long()
    eot = ids.argmax(dim=-1)
    n = int(eot.max()) + 1
    h = te.tok(ids[:, :n]) + te.pos[:n]
    for layer in te.layers:
        h = layer(h, te.mask[:n, :n])
    h = te.ln(h)
    return h[torch.arange(h.shape[0]), eot]


class Sampler:
    def __init__(self, meta, tok, seed):
        self.meta, self.tok, self.rng, self.cache = meta, tok, random.Random(seed), {}
        self.styles = meta["styles"]

    def ids(self, text):
        if text not in self.cache:
            self.cache[text] = self.tok(text)
        return self.cache[text]

    def batch(self, b):
        n = len(self.meta["emoji"])
        texts, target, style = [], torch.zeros(b, n), torch.full((b,), len(self.styles))
        for k in range(b):
            e = self.rng.randrange(n)
            text = self.rng.choice(self.meta["emoji"][e]["captions"])
            subjects = self.meta["subjects"].get(bare(text))
            if subjects:
                target[k, subjects] = 1 / len(subjects)
            else:
                target[k, e] = 1
            if self.rng.random() < train_diffusion.STYLE_P:
                s = self.rng.randrange(len(self.styles))
                text = train_diffusion.with_style(text, self.rng.choice(self.meta["style_phrases"][self.styles[s]]))
                style[k] = s
            texts.append(text)
        return torch.tensor([self.ids(t) for t in texts], dtype=torch.int32), target, style


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    args = ap.parse_args()
    common.setup(7)
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json")))
    tok = ClipTokenizer(train_diffusion.TOKENIZER)
    te, _ = train_diffusion.build(len(tok.tok.encoder))  # as the bundled run drew its initial weights
    clf = train_classifier.build(len(meta["emoji"]))
    clf.load_state_dict(common.load_weights("classifier")["net"])
    fc = clf.fc.requires_grad_(False)
    proj = nn.Linear(train_diffusion.DIM, fc.in_features)
    style_head = nn.Linear(train_diffusion.DIM, len(meta["styles"]) + 1)
    params = list(te.parameters()) + list(proj.parameters()) + list(style_head.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    mods = {"te": te, "proj": proj, "style": style_head}
    step, elapsed = common.load_checkpoint("text_encoder", mods, {"opt": opt})
    sampler = Sampler(meta, tok, 3 + step)
    timer = common.Timer(elapsed)
    saver = common.Saver("text_encoder", mods, {"opt": opt})
    while step < args.steps:
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / 200) * 0.5 * (1 + math.cos(math.pi * (step + 1) / args.steps))
        ids, target, style = sampler.batch(args.batch)
        pooled = pooled_short(te, ids)
        loss = -(target * fc(proj(pooled)).log_softmax(-1)).sum(-1).mean() + 0.3 * F.cross_entropy(style_head(pooled), style)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0 or step == args.steps:
            print(f"step {step} loss {loss.item():.4f} {timer():.0f}s", flush=True)
        saver.maybe(step, timer(), force=step == args.steps)

    # the plain captions (names and short names, with and without an article): subject in top 1 / top 5
    plain = plain_captions(meta)
    hit1 = hit5 = 0
    with torch.no_grad():
        for i in range(0, len(plain), 256):
            chunk = plain[i:i + 256]
            ids = torch.tensor([sampler.ids(t) for t in chunk], dtype=torch.int32)
            pooled = pooled_short(te, ids)
            # the shortcut the training took gives what the exported encoder computes on all 77 positions
            gap = float((pooled - te(ids)[1]).abs().max())
            if gap > 1e-4:
                raise RuntimeError(f"pooled_short differs from the full encoder by {gap}")
            top = fc(proj(pooled)).topk(5, -1).indices
            for k, t in enumerate(chunk):
                s = set(meta["subjects"][bare(t)])
                hit1 += int(top[k, 0]) in s
                hit5 += bool(set(top[k].tolist()) & s)
    print(f"plain captions {len(plain)}: subject top 1 {hit1 / len(plain):.3f}, top 5 {hit5 / len(plain):.3f}", flush=True)
    common.record("text_encoder", train_seconds=round(timer()), steps=args.steps, batch=args.batch,
                  plain_captions=len(plain), plain_top1=round(hit1 / len(plain), 4), plain_top5=round(hit5 / len(plain), 4))


if __name__ == "__main__":
    main()
