"""Export the trained models to models/bundle/<id>/ (ONNX opset 17), check each with onnxruntime-node
against torch, write manifests and a samples.png grid per model.

loom-emoji-sd/    SD ONNX layout: text_encoder, unet (int64 [1] timestep), vae_decoder, tokenizer, scheduler
loom-sr-x4/       input [1,3,H,W] in [0,1] -> output [1,3,4H,4W] in [0,1]
loom-emoji-gan/   z [B,64] -> image [B,3,64,64] in [-1,1]
"""
import argparse
import os
import sys

import numpy as np
import torch
from PIL import Image

import common
import train_gan
import train_sr
from eval_diffusion import generate, load_models
from train_diffusion import TOKENIZER, load_data

sys.path.insert(0, os.path.join(common.MODELS, "tools"))
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402
from sd_export import export_sd  # noqa: E402

BUNDLE = os.path.join(common.MODELS, "bundle")
EMOJI_LICENSE = "Apache-2.0 (weights trained on Noto Emoji images, Apache-2.0, via emoji-datasource-google 16.0.0)"
SR_LICENSE = ("CC-BY-SA-4.0 (weights trained on CC-BY-SA, CC-BY and CC0 wallpapers from Debian's ukui-wallpapers, "
              "lomiri-wallpapers-20.04 and lomiri-wallpapers-16.04, GPL-2+ photographs from mate-backgrounds "
              "and scikit-image sample photos; see models/README.md)")


def grid(images, cols):
    """images: uint8 [N,H,W,3] -> one PIL image, cols wide, 2px white gutters."""
    n, h, w, _ = images.shape
    rows = (n + cols - 1) // cols
    out = Image.new("RGB", (cols * (w + 2) + 2, rows * (h + 2) + 2), "white")
    for i, im in enumerate(images):
        out.paste(Image.fromarray(im), (2 + (i % cols) * (w + 2), 2 + (i // cols) * (h + 2)))
    return out


def to_uint8(x, lo=-1.0):
    return (((x - lo) / (1 - lo)).clip(0, 1) * 255).round().astype(np.uint8)


def export_sr():
    out = os.path.join(BUNDLE, "loom-sr-x4")
    os.makedirs(out, exist_ok=True)
    net = train_sr.SRNet()
    net.load_state_dict(common.load_weights("sr")["net"])
    net.eval()
    path = os.path.join(out, "model.onnx")
    torch.onnx.export(net, torch.rand(1, 3, 16, 16), path, input_names=["input"], output_names=["output"],
                      opset_version=17,
                      dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "out_height", 3: "out_width"}})  # sH, sW: own names
    x = torch.rand(1, 3, 21, 34)
    with torch.no_grad():
        verify(path, {"input": x.numpy()}, {"output": net(x).numpy()})
    # Samples: two held-out crops per photo (bicubic downscale), each bicubic | network | original.
    rows = []
    for hr, (lr,), _ in train_sr.load_pairs("test", ("bicubic",)):
        # the two most detailed 40px windows on a coarse grid
        windows = [(float(lr[y:y + 40, x:x + 40].std()), y, x)
                   for y in range(0, lr.shape[0] - 40, 20) for x in range(0, lr.shape[1] - 40, 20)]
        for _, ly, lx in sorted(windows)[-1:-6:-4]:
            l = lr[ly:ly + 40, lx:lx + 40]
            h = hr[ly * 4:(ly + 40) * 4, lx * 4:(lx + 40) * 4]
            bic = np.asarray(Image.fromarray(to_uint8(l, 0)).resize((160, 160), Image.BICUBIC))
            with torch.no_grad():
                sr = net(torch.tensor(l.transpose(2, 0, 1)[None].copy()))[0].numpy().transpose(1, 2, 0)
            rows += [bic, to_uint8(sr, 0), to_uint8(h, 0)]
    grid(np.stack(rows), 6).save(os.path.join(out, "samples.png"))
    write_manifest(out, "loom-sr-x4", "Loom SR x4 (tiny)", "upscaler", [("model", "model.onnx")],
                   license=SR_LICENSE, upscaler={"scale": 4, "range": [0, 1]})


def export_gan():
    out = os.path.join(BUNDLE, "loom-emoji-gan")
    os.makedirs(out, exist_ok=True)
    g = train_gan.Generator()
    g.load_state_dict(common.load_weights("gan")["ema"])
    g.eval()
    path = os.path.join(out, "model.onnx")
    torch.onnx.export(g, torch.randn(1, train_gan.Z), path, input_names=["z"], output_names=["image"],
                      opset_version=17, dynamic_axes={"z": {0: "batch"}, "image": {0: "batch"}})
    z = torch.randn(64, train_gan.Z, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        imgs = g(z)
    verify(path, {"z": z[:4].numpy()}, {"image": imgs[:4].numpy()})
    grid(to_uint8(imgs.permute(0, 2, 3, 1).numpy()), 8).save(os.path.join(out, "samples.png"))
    write_manifest(out, "loom-emoji-gan", "Loom Emoji GAN (tiny)", "gan", [("model", "model.onnx")],
                   license=EMOJI_LICENSE, image={"width": 64, "height": 64},
                   gan={"zDim": train_gan.Z, "range": [-1, 1]})


def export_diffusion(cfg):
    out = os.path.join(BUNDLE, "loom-emoji-sd")
    te, unet, dec = load_models()
    lat = torch.load(os.path.join(common.CKPT, "latents.pt"))
    scaling = round(lat["scaling_factor"], 5)
    latents, _, _, subset = load_data()
    export_sd(out, te, unet, dec, TOKENIZER, scaling, latents * scaling / lat["scaling_factor"],
              id="loom-emoji-sd", title="Loom Emoji SD (tiny)", license=EMOJI_LICENSE)
    d = np.load(os.path.join(common.DATA, "emoji.npz"))
    pick = np.random.default_rng(1).choice(subset, 16, replace=False)
    captions = [str(c) for c in d["captions"][pick]]
    imgs = generate(te, unet, dec, lat["scaling_factor"], captions, cfg=cfg)
    # Pairs: generated | dataset image for the same caption.
    pairs = np.stack([x for i, im in zip(pick, imgs) for x in (to_uint8(im, 0), d["images"][i])])
    grid(pairs, 8).save(os.path.join(out, "samples.png"))
    with open(os.path.join(out, "samples.txt"), "w") as f:
        f.write("samples.png: pairs of (generated, dataset image), row-major, DDIM 25 steps, "
                f"guidance {cfg}, seed 0 batch, for the captions:\n" + "\n".join(captions) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*", default=["sr", "gan", "sd"])
    ap.add_argument("--cfg", type=float, default=4.0)
    args = ap.parse_args()
    common.setup(0)
    for m in args.models:
        print("export", m)
        {"sr": export_sr, "gan": export_gan, "sd": lambda: export_diffusion(args.cfg)}[m]()


if __name__ == "__main__":
    main()
