"""Stable Diffusion 1.5-architecture UNet and VAE decoder with random fixed-seed weights, exported to
ONNX (opset 17) in fp32 and fp16, for `npm run bench:gpu`. Not trained, not committed.

The UNet re-implements diffusers' UNet2DConditionModel with SD 1.5's config (block_out_channels
320/640/1280/1280, CrossAttnDownBlock2D x3 + DownBlock2D, UNetMidBlock2DCrossAttn, UpBlock2D +
CrossAttnUpBlock2D x3, 2 layers per block, 8 heads, cross-attention dim 768, GEGLU feed-forward,
conv proj_in/proj_out, flip_sin_to_cos, freq_shift 0); the decoder re-implements AutoencoderKL's
post_quant_conv + Decoder (512/512/256/128, 3 resnets per up block, one mid attention). Inputs and
outputs are named as the public ONNX exports: UNet `sample` [1,4,h,w], `timestep` int64 [1],
`encoder_hidden_states` [1,77,768] -> `out_sample`; VAE decoder `latent_sample` [1,4,h,w] -> `sample`
[1,3,8h,8w]. The fp16 files have float16 weights, inputs, outputs and arithmetic (the timestep
stays int64).

  /usr/bin/python3 models/tools/make_sd15_bench.py            # SD 1.5 size: 64x64 latents (512x512), ~3.4 GB fp32 UNet
  /usr/bin/python3 models/tools/make_sd15_bench.py --small    # same architecture, 1/4 the channels, 16x16 latents
  (--external-data: weights in a .onnx.data file even when small, to try that path)

Writes models/.cache/sd15-bench/<full|small>/{unet,vae_decoder}-{fp32,fp16}.onnx (+ .onnx.data
external weights where a file would pass protobuf's 2 GB) and info.json.
"""
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", ".cache", "sd15-bench")


def gn(c, eps=1e-5):
    return nn.GroupNorm(32, c, eps=eps)


class Resnet(nn.Module):
    def __init__(self, cin, cout, temb=None):
        super().__init__()
        self.norm1, self.conv1 = gn(cin, 1e-5 if temb else 1e-6), nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout) if temb else None
        self.norm2, self.conv2 = gn(cout, 1e-5 if temb else 1e-6), nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None:
            h = h + self.time_emb_proj(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.conv_shortcut(x) if self.conv_shortcut is not None else x) + h


class Attention(nn.Module):
    def __init__(self, dim, heads, context=None):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(context or dim, dim, bias=False)
        self.to_v = nn.Linear(context or dim, dim, bias=False)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x, context=None):
        ctx = x if context is None else context
        b, n, d = x.shape
        hd = d // self.heads
        q = self.to_q(x).reshape(b, -1, self.heads, hd).transpose(1, 2)
        k = self.to_k(ctx).reshape(b, -1, self.heads, hd).transpose(1, 2)
        v = self.to_v(ctx).reshape(b, -1, self.heads, hd).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        return self.to_out((w @ v).transpose(1, 2).reshape(b, n, d))


class Transformer(nn.Module):
    """Transformer2DModel with one BasicTransformerBlock, conv projections (SD 1.5)."""

    def __init__(self, c, heads, context):
        super().__init__()
        self.norm = gn(c, 1e-6)
        self.proj_in, self.proj_out = nn.Conv2d(c, c, 1), nn.Conv2d(c, c, 1)
        self.norm1, self.attn1 = nn.LayerNorm(c), Attention(c, heads)
        self.norm2, self.attn2 = nn.LayerNorm(c), Attention(c, heads, context)
        self.norm3 = nn.LayerNorm(c)
        self.ff_in, self.ff_out = nn.Linear(c, 8 * c), nn.Linear(4 * c, c)

    def forward(self, x, context):
        b, c, h, w = x.shape
        y = self.proj_in(self.norm(x)).permute(0, 2, 3, 1).reshape(b, h * w, c)
        y = y + self.attn1(self.norm1(y))
        y = y + self.attn2(self.norm2(y), context)
        a, gate = self.ff_in(self.norm3(y)).chunk(2, dim=-1)
        y = y + self.ff_out(a * F.gelu(gate))
        return self.proj_out(y.reshape(b, h, w, c).permute(0, 3, 1, 2)) + x


class UNet(nn.Module):
    def __init__(self, ch=(320, 640, 1280, 1280), heads=8, context=768, layers=2):
        super().__init__()
        self.ch0 = ch[0]
        temb = ch[0] * 4
        self.time_1, self.time_2 = nn.Linear(ch[0], temb), nn.Linear(temb, temb)
        self.conv_in = nn.Conv2d(4, ch[0], 3, padding=1)
        self.down = nn.ModuleList()
        skips = [ch[0]]
        prev = ch[0]
        for i, c in enumerate(ch):
            attn = i < len(ch) - 1
            block = nn.Module()
            block.resnets = nn.ModuleList([Resnet(prev if j == 0 else c, c, temb) for j in range(layers)])
            block.attns = nn.ModuleList([Transformer(c, heads, context) for _ in range(layers)]) if attn else None
            block.downsample = nn.Conv2d(c, c, 3, stride=2, padding=1) if i < len(ch) - 1 else None
            self.down.append(block)
            skips += [c] * layers + ([c] if block.downsample is not None else [])
            prev = c
        self.mid_res1, self.mid_attn, self.mid_res2 = Resnet(ch[-1], ch[-1], temb), Transformer(ch[-1], heads, context), Resnet(ch[-1], ch[-1], temb)
        self.up = nn.ModuleList()
        rev = list(reversed(ch))
        prev = rev[0]
        for i, c in enumerate(rev):
            attn = i > 0
            block = nn.Module()
            block.resnets = nn.ModuleList([Resnet((prev if j == 0 else c) + skips.pop(), c, temb) for j in range(layers + 1)])
            block.attns = nn.ModuleList([Transformer(c, heads, context) for _ in range(layers + 1)]) if attn else None
            block.upsample = nn.Conv2d(c, c, 3, padding=1) if i < len(ch) - 1 else None
            self.up.append(block)
            prev = c
        self.norm_out, self.conv_out = gn(ch[0]), nn.Conv2d(ch[0], 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        half = self.ch0 // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        args = timestep.float()[:, None] * freqs[None]
        t = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)  # flip_sin_to_cos
        emb = self.time_2(F.silu(self.time_1(t))).expand(sample.shape[0], -1)
        x = self.conv_in(sample)
        res = [x]
        for block in self.down:
            for j, r in enumerate(block.resnets):
                x = r(x, emb)
                if block.attns is not None:
                    x = block.attns[j](x, encoder_hidden_states)
                res.append(x)
            if block.downsample is not None:
                x = block.downsample(x)
                res.append(x)
        x = self.mid_res2(self.mid_attn(self.mid_res1(x, emb), encoder_hidden_states), emb)
        for block in self.up:
            for j, r in enumerate(block.resnets):
                x = r(torch.cat([x, res.pop()], dim=1), emb)
                if block.attns is not None:
                    x = block.attns[j](x, encoder_hidden_states)
            if block.upsample is not None:
                x = block.upsample(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(x)))


class VaeAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.group_norm = gn(c, 1e-6)
        self.attn = Attention(c, 1)
        self.attn.to_q, self.attn.to_k, self.attn.to_v = (nn.Linear(c, c) for _ in range(3))

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.group_norm(x).reshape(b, c, h * w).transpose(1, 2)
        return self.attn(y).transpose(1, 2).reshape(b, c, h, w) + x


class VaeDecoder(nn.Module):
    def __init__(self, ch=(128, 256, 512, 512), layers=2):
        super().__init__()
        self.post_quant_conv = nn.Conv2d(4, 4, 1)
        rev = list(reversed(ch))
        self.conv_in = nn.Conv2d(4, rev[0], 3, padding=1)
        self.mid = nn.ModuleList([Resnet(rev[0], rev[0]), VaeAttention(rev[0]), Resnet(rev[0], rev[0])])
        self.up = nn.ModuleList()
        prev = rev[0]
        for i, c in enumerate(rev):
            block = nn.Module()
            block.resnets = nn.ModuleList([Resnet(prev if j == 0 else c, c) for j in range(layers + 1)])
            block.upsample = nn.Conv2d(c, c, 3, padding=1) if i < len(ch) - 1 else None
            self.up.append(block)
            prev = c
        self.norm_out, self.conv_out = gn(ch[0], 1e-6), nn.Conv2d(ch[0], 3, 3, padding=1)

    def forward(self, latent_sample):
        x = self.conv_in(self.post_quant_conv(latent_sample))
        for m in self.mid:
            x = m(x)
        for block in self.up:
            for r in block.resnets:
                x = r(x)
            if block.upsample is not None:
                x = block.upsample(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(x)))


def init_(model, seed):
    """Random weights at a scale that keeps activations finite in fp16 (the file is for timing only)."""
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        if p.dim() > 1:
            fan_in = p[0].numel()
            p.data = torch.randn(p.shape, generator=g) / math.sqrt(fan_in)
        elif name.endswith("weight"):
            p.data.fill_(1.0)
        else:
            p.data.zero_()


def to_fp16(path_in, path_out):
    """float32 ONNX -> float16 everywhere (weights, inputs, outputs, constants, casts); Resize's scales stay float32."""
    m = onnx.load(path_in)
    g = m.graph
    keep = {n.input[2] for n in g.node if n.op_type == "Resize" and len(n.input) > 2 and n.input[2]}
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT and init.name not in keep:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    for n in g.node:
        if n.op_type == "Constant" and n.output[0] not in keep:
            for a in n.attribute:
                if a.name == "value" and a.t.data_type == TensorProto.FLOAT:
                    a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(np.float16), a.t.name))
        if n.op_type == "Cast":
            for a in n.attribute:
                if a.name == "to" and a.i == TensorProto.FLOAT:
                    a.i = TensorProto.FLOAT16
        if n.op_type == "ConstantOfShape":
            for a in n.attribute:
                if a.name == "value" and a.t.data_type == TensorProto.FLOAT:
                    a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(np.float16), a.t.name))
    for io in list(g.input) + list(g.output):
        if io.type.tensor_type.elem_type == TensorProto.FLOAT:
            io.type.tensor_type.elem_type = TensorProto.FLOAT16
    del g.value_info[:]
    save(m, path_out)


def save(m, path):
    # Weights past protobuf's 2 GB limit (the fp32 UNet) go to one external file beside the model.
    weights = sum(len(t.raw_data) for t in m.graph.initializer)
    big = weights > 1.9e9 or "--external-data" in sys.argv
    for f in (path, path + ".data"):
        if os.path.exists(f):
            os.unlink(f)
    if big:
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location=os.path.basename(path) + ".data")
    else:
        onnx.save_model(m, path)


def export(model, args, names, outputs, dynamic, path):
    tmp = path + ".tmp.onnx"
    torch.onnx.export(model, args, tmp, opset_version=17, input_names=names, output_names=outputs, dynamic_axes=dynamic)
    m = onnx.load(tmp)  # loads external data torch may have written beside it
    save(m, path)
    for f in os.listdir(os.path.dirname(tmp)):
        if f.startswith(os.path.basename(tmp)) or f in {n.name for n in m.graph.initializer}:
            os.unlink(os.path.join(os.path.dirname(tmp), f))
    to_fp16(path, path.replace("-fp32", "-fp16"))


def main():
    small = "--small" in sys.argv
    torch.manual_seed(0)
    folder = os.path.join(OUT, "small" if small else "full")
    os.makedirs(folder, exist_ok=True)
    latent = 16 if small else 64
    unet = UNet(ch=(32, 64, 128, 128), heads=8, context=768) if small else UNet()
    vae = VaeDecoder(ch=(32, 32, 64, 64)) if small else VaeDecoder()
    init_(unet, 1)
    init_(vae, 2)
    unet.eval()
    vae.eval()
    sample = torch.randn(1, 4, latent, latent)
    args = (sample, torch.tensor([999], dtype=torch.int64), torch.randn(1, 77, 768))
    with torch.no_grad():
        out = unet(*args)
        img = vae(sample)
    print(f"unet {sum(p.numel() for p in unet.parameters()) / 1e6:.1f}M parameters, out {list(out.shape)} std {out.std():.3f}; "
          f"vae decoder {sum(p.numel() for p in vae.parameters()) / 1e6:.1f}M, out {list(img.shape)} std {img.std():.3f}")
    dyn = {"sample": {0: "batch", 2: "height", 3: "width"}, "encoder_hidden_states": {0: "batch"}, "out_sample": {0: "batch", 2: "height", 3: "width"}}
    export(unet, args, ["sample", "timestep", "encoder_hidden_states"], ["out_sample"], dyn, os.path.join(folder, "unet-fp32.onnx"))
    export(vae, (sample,), ["latent_sample"], ["sample"], {"latent_sample": {0: "batch", 2: "height", 3: "width"}, "sample": {0: "batch", 2: "h8", 3: "w8"}},
           os.path.join(folder, "vae_decoder-fp32.onnx"))
    info = {"latent": latent, "image": latent * 8, "small": small, "context": 768,
            "unet_params": sum(p.numel() for p in unet.parameters()), "vae_params": sum(p.numel() for p in vae.parameters())}
    with open(os.path.join(folder, "info.json"), "w") as f:
        json.dump(info, f, indent=2)
    for n in sorted(os.listdir(folder)):
        print(f"  {os.path.join(folder, n)}: {os.path.getsize(os.path.join(folder, n)) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
