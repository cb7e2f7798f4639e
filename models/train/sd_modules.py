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
    """pad_with_pooled: every position after the end-of-text token carries the pooled (end-of-text)
    vector instead of the padding tokens' own states, so cross-attention, which sees all 77 positions,
    reads the whole prompt from most of them. A CLIP trained from scratch on short captions otherwise
    hands the UNet 70-odd near-identical padding states, and it learns to follow the prompt very slowly."""

    def __init__(self, vocab, dim=64, layers=2, heads=4, pad_with_pooled=False):
        super().__init__()
        self.pad_with_pooled = pad_with_pooled
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
        eot = ids.argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0]), eot]
        if self.pad_with_pooled:
            after = torch.arange(ids.shape[1]).unsqueeze(0) > eot.unsqueeze(1)
            x = torch.where(after.unsqueeze(-1), pooled.unsqueeze(1), x)
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


# ---- v2: 128x128 images, 4x16x16 latents -------------------------------------------------------------

class VAEResBlock(nn.Module):
    """Residual block without normalisation (small VAEs train well without it and it exports simply)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(cin, cout, 3, padding=1), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        return self.skip(x) + self.c2(F.silu(self.c1(F.silu(x))))


class VAEEncoder2(nn.Module):
    """sample [B,3,H,W] in [-1,1] -> (mean, logvar) [B,4,H/8,W/8]; H, W multiples of 8."""

    def __init__(self, chs=(32, 64, 128, 128)):
        super().__init__()
        layers = [nn.Conv2d(3, chs[0], 3, padding=1)]
        for a, b in zip(chs, chs[1:]):
            layers += [VAEResBlock(a, a), nn.Conv2d(a, b, 3, stride=2, padding=1)]
        layers += [VAEResBlock(chs[-1], chs[-1]), nn.SiLU(), nn.Conv2d(chs[-1], 8, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        mean, logvar = self.net(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)


class VAEDecoder2(nn.Module):
    """latent_sample [B,4,h,w] -> sample [B,3,8h,8w]; upsampling by nearest resize + conv (no checkerboard)."""

    def __init__(self, chs=(128, 128, 64, 32)):
        super().__init__()
        layers = [nn.Conv2d(4, chs[0], 3, padding=1), VAEResBlock(chs[0], chs[0])]
        for a, b in zip(chs, chs[1:]):
            layers += [nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(a, b, 3, padding=1), VAEResBlock(b, b)]
        layers += [nn.SiLU(), nn.Conv2d(chs[-1], 3, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, latent_sample):
        return self.net(latent_sample)


class MeanEncoder(nn.Module):
    """Export wrapper: the encoder's mean as `latent_sample` (unscaled, as diffusers' vae_encoder)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, sample):
        return self.encoder(sample)[0]


class CrossAttnBlock(nn.Module):
    """Cross-attention from pixels to the text tokens only (used at the 16x16 level, where self-attention costs most)."""

    def __init__(self, ch, ctx_dim, heads=4):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(8, ch)
        self.ln = nn.LayerNorm(ch)
        self.q, self.kv, self.o = nn.Linear(ch, ch), nn.Linear(ctx_dim, 2 * ch), nn.Linear(ch, ch)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        t = self.norm(x).reshape(b, c, -1).transpose(1, 2)
        k, v = self.kv(ctx).chunk(2, dim=-1)
        t = self.o(attention(self.q(self.ln(t)), k, v, self.heads))
        return x + t.transpose(1, 2).reshape(b, c, h, w)


class UNet2(nn.Module):
    """Three levels (h, h/2, h/4, rounded up): cross-attention at h, self + cross at h/2 and h/4. Any h, w:
    upsampling resizes to the skip connection's size (exactly 2x when h, w are multiples of 4)."""

    def __init__(self, ctx_dim=128, chs=(64, 128, 192), ctx_to_time=False):
        super().__init__()
        c1, c2, c3 = chs
        self.ch = c1
        tdim = 4 * c1
        self.temb = nn.Sequential(nn.Linear(c1, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        # ctx_to_time: the mean of the text states joins the time embedding, so every ResBlock is
        # conditioned on the prompt (as SDXL adds its pooled text embedding); zero-initialised.
        self.ctx_time = None
        if ctx_to_time:
            self.ctx_time = nn.Linear(ctx_dim, tdim)
            nn.init.zeros_(self.ctx_time.weight)
            nn.init.zeros_(self.ctx_time.bias)
        self.conv_in = nn.Conv2d(4, c1, 3, padding=1)
        self.d1, self.a1 = ResBlock(c1, c1, tdim), CrossAttnBlock(c1, ctx_dim)
        self.down1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.d2, self.a2 = ResBlock(c2, c2, tdim), AttnBlock(c2, ctx_dim)
        self.down2 = nn.Conv2d(c2, c3, 3, stride=2, padding=1)
        self.m1, self.am, self.m2 = ResBlock(c3, c3, tdim), AttnBlock(c3, ctx_dim), ResBlock(c3, c3, tdim)
        self.up2 = nn.Conv2d(c3, c2, 3, padding=1)
        self.u2, self.ua2 = ResBlock(2 * c2, c2, tdim), AttnBlock(c2, ctx_dim)
        self.up1 = nn.Conv2d(c2, c1, 3, padding=1)
        self.u1, self.ua1 = ResBlock(2 * c1, c1, tdim), CrossAttnBlock(c1, ctx_dim)
        self.norm_out = nn.GroupNorm(8, c1)
        self.conv_out = nn.Conv2d(c1, 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        temb = self.temb(timestep_embedding(timestep, self.ch))
        ctx = encoder_hidden_states
        if self.ctx_time is not None:
            temb = temb + self.ctx_time(ctx.mean(dim=1))
        h1 = self.a1(self.d1(self.conv_in(sample), temb), ctx)
        h2 = self.a2(self.d2(self.down1(h1), temb), ctx)
        h = self.down2(h2)
        h = self.m2(self.am(self.m1(h, temb), ctx), temb)
        h = self.up2(F.interpolate(h, size=h2.shape[-2:], mode="nearest"))
        h = self.ua2(self.u2(torch.cat([h, h2], dim=1), temb), ctx)
        h = self.up1(F.interpolate(h, size=h1.shape[-2:], mode="nearest"))
        h = self.ua1(self.u1(torch.cat([h, h1], dim=1), temb), ctx)
        return self.conv_out(F.silu(self.norm_out(h)))
