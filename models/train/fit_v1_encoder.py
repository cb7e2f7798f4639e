"""A VAE encoder for the bundled v1 text-to-image model (models/bundle/loom-emoji-sd), whose decoder was
exported without one: the encoder is trained against the shipped decoder, frozen, so that
decode(encode(x)) reproduces x, and written into the bundle as vae_encoder/ (SD ONNX layout: `sample`
[B,3,H,W] in [-1,1] -> `latent_sample` [B,4,H/8,W/8], the unscaled latent mean).

The decoder's weights are read from its ONNX file into the same torch module (sd_modules.VAEDecoder,
ch 32). Data: the v2 emoji renders (prepare_emoji.py, all six styles) averaged to 64 px, the v1 size;
held-out images give the reconstruction PSNR. Two terms keep the latents where the UNet learned them:
decoding is also trained from latents with a little noise added (the v1 VAE sampled its latents), and
the scaled latents are pulled to zero mean and unit variance per channel, as the scaling factor was
chosen to make them.
Run: /usr/bin/python3 models/train/fit_v1_encoder.py [--steps 3000]
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

import common
from sd_modules import ClampedDecoder, MeanEncoder, VAEDecoder, VAEEncoder

sys.path.insert(0, os.path.join(common.MODELS, "tools"))
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402

BUNDLE = os.path.join(common.MODELS, "bundle", "loom-emoji-sd")
NOISE = 0.1       # latent noise, relative to the latents' std
MOMENTS = 0.01    # weight of the per-channel mean/variance pull


def load_decoder():
    dec = ClampedDecoder(VAEDecoder(ch=32))
    model = onnx.load(os.path.join(BUNDLE, "vae_decoder", "model.onnx"))
    weights = {i.name: torch.tensor(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    dec.load_state_dict(weights, strict=True)
    for p in dec.parameters():
        p.requires_grad_(False)
    dec.eval()
    z = torch.randn(2, 4, 8, 8, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():  # the torch module is the shipped decoder
        verify(os.path.join(BUNDLE, "vae_decoder", "model.onnx"), {"latent_sample": z.numpy()}, {"sample": dec(z).numpy()})
    return dec


def load_images():
    d = np.load(os.path.join(common.DATA, "emoji128.npz"))
    x = torch.tensor(d["images"]).permute(0, 3, 1, 2).float()
    x = F.avg_pool2d(x, 2) / 127.5 - 1  # 64 px in [-1, 1]
    split = torch.tensor(d["split"])
    return x[split == 0], x[split == 1]


def psnr(a, b):
    mse = (((a + 1) / 2 - (b + 1) / 2) ** 2).mean().item()
    return 10 * np.log10(1 / mse)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    common.setup(5)
    scaling = json.load(open(os.path.join(BUNDLE, "manifest.json")))["latent"]["scalingFactor"]
    dec = load_decoder()
    train, held = load_images()
    enc = VAEEncoder(ch=32)
    opt = torch.optim.Adam(enc.parameters(), lr=1e-3)
    timer = common.Timer(0)
    for step in range(1, args.steps + 1):
        for g in opt.param_groups:
            g["lr"] = 1e-3 * 0.5 * (1 + np.cos(np.pi * step / args.steps))
        x = train[torch.randint(len(train), (args.batch,))]
        z = enc(x)[0]
        zs = z * scaling
        noisy = z + NOISE / scaling * torch.randn_like(z)
        loss = F.mse_loss(dec(z), x) + F.mse_loss(dec(noisy), x)
        mean, var = zs.mean(dim=(0, 2, 3)), zs.var(dim=(0, 2, 3))
        loss = loss + MOMENTS * ((mean ** 2).sum() + ((var - 1) ** 2).sum())
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 250 == 0 or step == args.steps:
            with torch.no_grad():
                rec = torch.cat([dec(enc(held[i:i + 256])[0]) for i in range(0, len(held), 256)])
            print(f"step {step} loss {loss.item():.4f} held-out PSNR {psnr(rec, held):.2f} dB "
                  f"latent mean {mean.abs().max().item():.3f} var {var.min().item():.2f}..{var.max().item():.2f} "
                  f"{timer():.0f}s", flush=True)
    enc.eval()
    with torch.no_grad():
        rec = torch.cat([dec(enc(held[i:i + 256])[0]) for i in range(0, len(held), 256)])
    figure = psnr(rec, held)
    common.record("v1_encoder", steps=args.steps, heldout_psnr=round(figure, 2), heldout_images=len(held),
                  train_seconds=round(timer()))
    export(MeanEncoder(enc).eval(), scaling)
    print(f"held-out reconstruction through the shipped decoder: {figure:.2f} dB; wrote {BUNDLE}/vae_encoder")


def export(encoder, scaling):
    out = os.path.join(BUNDLE, "vae_encoder")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    g = torch.Generator().manual_seed(0)
    torch.onnx.export(encoder, (torch.rand(1, 3, 64, 64, generator=g) * 2 - 1,), path, input_names=["sample"],
                      output_names=["latent_sample"], opset_version=17,
                      dynamic_axes={"sample": {0: "batch", 2: "image_height", 3: "image_width"},
                                    "latent_sample": {0: "batch", 2: "height", 3: "width"}})
    for hh, ww in ((64, 64), (80, 48)):
        x = torch.rand(2, 3, hh, ww, generator=g) * 2 - 1
        with torch.no_grad():
            verify(path, {"sample": x.numpy()}, {"latent_sample": encoder(x).numpy()})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": 4,
                   "sample_size": 64, "scaling_factor": scaling}, f, indent=2)
        f.write("\n")
    index_path = os.path.join(BUNDLE, "model_index.json")
    index = json.load(open(index_path))
    index["vae_encoder"] = ["diffusers", "OnnxRuntimeModel"]
    with open(index_path, "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")
    manifest = json.load(open(os.path.join(BUNDLE, "manifest.json")))
    files = [(f["role"], f["path"]) for f in manifest["files"] if f["role"] != "vae_encoder"]
    at = next(i for i, (role, _) in enumerate(files) if role == "vae_decoder") + 1
    files.insert(at, ("vae_encoder", "vae_encoder/model.onnx"))
    extra = {k: v for k, v in manifest.items() if k not in ("format", "version", "id", "title", "kind", "license", "source", "files")}
    write_manifest(BUNDLE, manifest["id"], manifest["title"], manifest["kind"], files, license=manifest["license"],
                   source=manifest["source"], **extra)


if __name__ == "__main__":
    main()
