"""Tiny Stable-Diffusion-shaped networks (same I/O contract as the public SD ONNX exports).

TextEncoder: input_ids [B,77] -> last_hidden_state [B,77,D], pooler_output [B,D] (CLIP-style, causal)
UNet:        sample [B,4,h,w], timestep, encoder_hidden_states [B,77,D] -> out_sample [B,4,h,w]
             (h, w multiples of 2; cross-attention on the text at both resolutions)
VAE:         encoder 3x64x64 -> 4x8x8 (mean, logvar), decoder back (factor 8)
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

MAX_LEN = 77


def attention(q, k, v, heads, mask=None):
    """q [B,N,C], k/v [B,M,C] -> [B,N,C]; written out with matmuls so it exports to plain ONNX ops."""
    b, n, c = q.shape
    d = c // heads
    q = q.reshape(b, n, heads, d).transpose(1, 2)
    k = k.reshape(b, -1, heads, d).transpose(1, 2)
    v = v.reshape(b, -1, heads, d).transpose(1, 2)
    w = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(d))
    if mask is not None:
        w = w + mask
    out = torch.matmul(torch.softmax(w, dim=-1), v)
    return out.transpose(1, 2).reshape(b, n, c)


class TextLayer(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, mask):
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        x = x + self.proj(attention(q, k, v, self.heads, mask))
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    def __init__(self, vocab, dim=64, layers=2, heads=4):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(MAX_LEN, dim) * 0.01)
        self.layers = nn.ModuleList([TextLayer(dim, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(dim)
        self.register_buffer("mask", torch.full((MAX_LEN, MAX_LEN), -1e4).triu(1), persistent=False)

    def forward(self, input_ids):
        ids = input_ids.long()
        x = self.tok(ids) + self.pos
        for layer in self.layers:
            x = layer(x, self.mask)
        x = self.ln(x)
        # CLIP pools at the end-of-text token, which has the largest id in the vocabulary.
        pooled = x[torch.arange(x.shape[0]), ids.argmax(dim=-1)]
        return x, pooled


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float().reshape(-1, 1) * freqs.reshape(1, -1)
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.n1, self.n2 = nn.GroupNorm(8, cin), nn.GroupNorm(8, cout)
        self.c1, self.c2 = nn.Conv2d(cin, cout, 3, padding=1), nn.Conv2d(cout, cout, 3, padding=1)
        self.t = nn.Linear(tdim, cout)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.t(temb).unsqueeze(-1).unsqueeze(-1)
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class AttnBlock(nn.Module):
    """Self-attention over pixels, then cross-attention from pixels to the text tokens."""

    def __init__(self, ch, ctx_dim, heads=4):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(8, ch)
        self.ln1, self.ln2, self.ln3 = nn.LayerNorm(ch), nn.LayerNorm(ch), nn.LayerNorm(ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.q2, self.kv2 = nn.Linear(ch, ch), nn.Linear(ctx_dim, 2 * ch)
        self.o1, self.o2 = nn.Linear(ch, ch), nn.Linear(ch, ch)
        self.ff = nn.Sequential(nn.Linear(ch, 4 * ch), nn.GELU(), nn.Linear(4 * ch, ch))

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        t = self.norm(x).reshape(b, c, -1).transpose(1, 2)
        q, k, v = self.qkv(self.ln1(t)).chunk(3, dim=-1)
        t = t + self.o1(attention(q, k, v, self.heads))
        k2, v2 = self.kv2(ctx).chunk(2, dim=-1)
        t = t + self.o2(attention(self.q2(self.ln2(t)), k2, v2, self.heads))
        t = t + self.ff(self.ln3(t))
        return x + t.transpose(1, 2).reshape(b, c, h, w)


class UNet(nn.Module):
    def __init__(self, ctx_dim=64, ch=64, ch2=128):
        super().__init__()
        self.ch = ch
        tdim = 4 * ch
        self.temb = nn.Sequential(nn.Linear(ch, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.conv_in = nn.Conv2d(4, ch, 3, padding=1)
        self.down1, self.attn1 = ResBlock(ch, ch, tdim), AttnBlock(ch, ctx_dim)
        self.downsample = nn.Conv2d(ch, ch2, 3, stride=2, padding=1)
        self.mid1, self.attn_mid, self.mid2 = ResBlock(ch2, ch2, tdim), AttnBlock(ch2, ctx_dim), ResBlock(ch2, ch2, tdim)
        self.upsample = nn.Conv2d(ch2, ch, 3, padding=1)
        self.up1, self.attn2 = ResBlock(2 * ch, ch, tdim), AttnBlock(ch, ctx_dim)
        self.norm_out = nn.GroupNorm(8, ch)
        self.conv_out = nn.Conv2d(ch, 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        temb = self.temb(timestep_embedding(timestep, self.ch))
        ctx = encoder_hidden_states
        h1 = self.attn1(self.down1(self.conv_in(sample), temb), ctx)
        h = self.downsample(h1)
        h = self.mid2(self.attn_mid(self.mid1(h, temb), ctx), temb)
        h = self.upsample(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.attn2(self.up1(torch.cat([h, h1], dim=1), temb), ctx)
        return self.conv_out(F.silu(self.norm_out(h)))


class VAEEncoder(nn.Module):
    def __init__(self, ch=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, ch // 2, 3, padding=1), nn.SiLU(),
            nn.Conv2d(ch // 2, ch, 4, stride=2, padding=1), nn.SiLU(),   # 32
            nn.Conv2d(ch, ch, 3, padding=1), nn.SiLU(),
            nn.Conv2d(ch, 2 * ch, 4, stride=2, padding=1), nn.SiLU(),   # 16
            nn.Conv2d(2 * ch, 2 * ch, 3, padding=1), nn.SiLU(),
            nn.Conv2d(2 * ch, 2 * ch, 4, stride=2, padding=1), nn.SiLU(),  # 8
            nn.Conv2d(2 * ch, 2 * ch, 3, padding=1), nn.SiLU(),
            nn.Conv2d(2 * ch, 8, 1))

    def forward(self, x):
        mean, logvar = self.net(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)


class VAEDecoder(nn.Module):
    def __init__(self, ch=64):
        super().__init__()

        def up(cin, cout):
            return [nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(cin, cout, 3, padding=1), nn.SiLU(),
                    nn.Conv2d(cout, cout, 3, padding=1), nn.SiLU()]

        self.net = nn.Sequential(
            nn.Conv2d(4, 2 * ch, 3, padding=1), nn.SiLU(),
            nn.Conv2d(2 * ch, 2 * ch, 3, padding=1), nn.SiLU(),
            *up(2 * ch, 2 * ch), *up(2 * ch, ch), *up(ch, ch // 2),
            nn.Conv2d(ch // 2, 3, 3, padding=1))

    def forward(self, latent_sample):
        return self.net(latent_sample)


class ClampedDecoder(nn.Module):
    """Export wrapper: the decoder's output clamped to [-1, 1] like the images it was trained on."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, latent_sample):
        return torch.clamp(self.decoder(latent_sample), -1.0, 1.0)
