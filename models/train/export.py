"""Export the v2 models (ONNX opset 17), check each with onnxruntime-node against torch, write manifests
and sample sheets. Default output: $LOOM_TRAIN_CACHE/export/<id>/; `--out models/bundle` to bundle them.

loom-emoji-sd/          SD ONNX layout at 128x128 (4x16x16 latents): text_encoder, unet (int64 [1]
                        timestep), vae_decoder, vae_encoder (`sample` [B,3,H,W] in [-1,1] ->
                        `latent_sample` [B,4,H/8,W/8], the unscaled latent mean), tokenizer, scheduler;
                        subjects.json (what the editor's prompt box offers: write_subjects)
loom-emoji-gan/         `latent_gan`, bundled: train_latent_gan.py's generator with the frozen VAE decoder
                        in one graph, z [B,64], psi [1] -> image [B,3,128,128] in [-1,1]: truncation in w
                        space toward the generator's mean w; the manifest names the input and the
                        suggested psi. In the same folder name and layout, not bundled: `gan`,
                        train_gan.py's 64 px pixel GAN; `cond_gan`, train_cond_gan.py's, with a `label`
                        int64 [B] input and the classes' names in the manifest's gan.classes
loom-emoji-classifier/  the evaluator (export_classifier.py)
The super-resolution model (loom-sr-x4) is unchanged and not exported here.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

import common
import export_classifier
import train_cond_gan
import train_gan
import train_latent_gan
import train_vae
from eval_diffusion import generate, load_models
from sd_modules import MeanEncoder
from train_diffusion import TOKENIZER

sys.path.insert(0, os.path.join(common.MODELS, "tools"))
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402
from sd_export import export_sd  # noqa: E402

LICENSE = export_classifier.LICENSE
GAN_PSI = 0.7
SAMPLE_PROMPTS = ["a cat", "a dog", "a car", "a rocket", "a banana", "a red heart", "a bicycle", "pizza",
                  "a red apple", "smiling face with sunglasses", "a cat in flat style", "pizza, 3d"]


def grid(images, cols):
    """images: uint8 [N,H,W,3] -> uint8 grid, cols wide, 2px white gutters."""
    n, h, w, _ = images.shape
    rows = (n + cols - 1) // cols
    out = np.full((rows * (h + 2) + 2, cols * (w + 2) + 2, 3), 255, np.uint8)
    for i, im in enumerate(images):
        y, x = 2 + (i // cols) * (h + 2), 2 + (i % cols) * (w + 2)
        out[y:y + h, x:x + w] = im
    return out


def save_png(array, path):
    from PIL import Image
    Image.fromarray(array).save(path)


def write_subjects(out):
    """subjects.json beside the model, read by the editor (src/editor/inspector/subjects.ts): the plain
    captions (emoji names and short names, prepare_emoji.py) of every emoji with training-split images,
    and the sample prompts as `known`. Needs only data/emoji128.{json,npz}:
        cd models/train && python3 -c 'import export; export.write_subjects("../bundle/loom-emoji-sd")'
    """
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json"), encoding="utf-8"))
    data = np.load(os.path.join(common.DATA, "emoji128.npz"))
    trained = set(data["emoji"][data["split"] == 0].tolist())
    names = sorted({b for i, e in enumerate(meta["emoji"]) if i in trained for b in e["plain"]})
    phrases = [p for s in meta["styles"] for p in meta["style_phrases"][s]]
    about = (f"Plain names of the {len(trained)} emoji the model trained on, each drawn in several of "
             f"{len(meta['styles'])} styles ({', '.join(meta['styles'])}). A style phrase may follow the name "
             f"('a cat in flat style', 'pizza, 3d'): {', '.join(phrases)}. 'known' are the prompts of its samples.txt.")
    with open(os.path.join(out, "subjects.json"), "w", encoding="utf-8") as f:
        json.dump({"about": about, "known": SAMPLE_PROMPTS, "subjects": names}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"subjects.json: {len(names)} names of {len(trained)} emoji, {len(SAMPLE_PROMPTS)} known")


def export_diffusion(out_root):
    out = os.path.join(out_root, "loom-emoji-sd")
    te, unet, dec, scaling, tok = load_models()
    enc, _ = train_vae.build()
    enc.load_state_dict(common.load_weights("vae")["enc"])
    lat = torch.load(os.path.join(common.CKPT, "latents.pt"))
    rgb_latents = lat["latents"][torch.randperm(len(lat["latents"]), generator=torch.Generator().manual_seed(0))[:256]]
    export_sd(out, te, unet, dec, TOKENIZER, round(scaling, 5), rgb_latents * scaling, id="loom-emoji-sd",
              title="Loom Emoji SD (tiny)", license=LICENSE, image_size=128, encoder=MeanEncoder(enc))
    prompts = [p for p in SAMPLE_PROMPTS for _ in range(4)]
    imgs = generate(te, unet, dec, scaling, tok, prompts, [1000 + k % 4 for k in range(len(prompts))])
    save_png(grid((imgs.permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8), 8), os.path.join(out, "samples.png"))
    with open(os.path.join(out, "samples.txt"), "w") as f:
        f.write("samples.png: 4 seeds (1000-1003) per prompt, row-major, Euler 20 steps, guidance 7, for:\n"
                + "\n".join(SAMPLE_PROMPTS) + "\n")
    write_subjects(out)


def export_latent_gan(out_root):
    """The latent GAN: mapping, synthesis of the scaled latents and the VAE decoder, in one graph."""
    write_gan(out_root, train_latent_gan.load_exported(), train_latent_gan.SIZE)


def export_cond_gan(out_root):
    """The class-conditional latent GAN: inputs z, label (the emoji's index) and psi; its classes by name."""
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json"), encoding="utf-8"))
    write_gan(out_root, train_cond_gan.load_exported(), train_cond_gan.SIZE, classes=[e["plain"] for e in meta["emoji"]])


def export_gan(out_root):
    g = train_gan.Generator()
    g.load_state_dict(common.load_weights("gan")["ema"])
    write_gan(out_root, g.eval(), train_gan.SIZE)


def write_gan(out_root, g, size, classes=None):
    """g(z, psi), or g(z, label, psi) with `classes` (each class's names, in label order)."""
    out = os.path.join(out_root, "loom-emoji-gan")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    # psi is an input, so the node's truncation moves w toward the generator's w_avg (StyleGAN's trick)
    psi = torch.tensor([GAN_PSI])
    z = torch.randn(64, train_gan.Z, generator=torch.Generator().manual_seed(0))
    labels = torch.randint(len(classes), (64,), generator=torch.Generator().manual_seed(1)) if classes else None
    extra, names = ((labels[:1],), ["label"]) if classes else ((), [])
    torch.onnx.export(g, (z[:1], *extra, psi), path, input_names=["z", *names, "psi"], output_names=["image"], opset_version=17,
                      dynamic_axes={"z": {0: "batch"}, "image": {0: "batch"}, **({"label": {0: "batch"}} if classes else {})})
    feeds = lambda n, p: {"z": z[:n].numpy(), **({"label": labels[:n].numpy()} if classes else {}), "psi": np.array([p], np.float32)}
    run = lambda n, p: g(z[:n], *((labels[:n],) if classes else ()), torch.tensor([p]))
    with torch.no_grad():
        imgs, full = run(64, GAN_PSI), run(4, 1.0)
    diff = max(verify(path, feeds(4, GAN_PSI), {"image": imgs[:4].numpy()}), verify(path, feeds(4, 1.0), {"image": full.numpy()}))
    print(f"  GAN: onnxruntime-node vs torch, max abs diff {diff:.2e} ({os.path.getsize(path)} bytes)")
    save_png(grid((((imgs + 1) / 2).clamp(0, 1).permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8), 8),
             os.path.join(out, "samples.png"))
    write_manifest(out, "loom-emoji-gan", "Loom Emoji GAN (tiny)", "gan", [("model", "model.onnx")],
                   license=LICENSE, image={"width": size, "height": size},
                   gan={"zDim": train_gan.Z, "range": [-1, 1], "truncationInput": "psi", "psi": GAN_PSI,
                        **({"labelInput": "label", "classes": classes} if classes else {})})


def main():
    global GAN_PSI
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*", default=["classifier", "sd", "latent_gan"])
    ap.add_argument("--out", default=os.path.join(common.CACHE, "export"))
    ap.add_argument("--psi", type=float, default=GAN_PSI, help="the GAN's suggested truncation psi")
    args = ap.parse_args()
    GAN_PSI = args.psi
    common.setup(0)
    for m in args.models:
        print("export", m)
        if m == "classifier":
            sys.argv = [sys.argv[0], "--out", os.path.join(args.out, "loom-emoji-classifier")]
            export_classifier.main()
        else:
            {"sd": export_diffusion, "gan": export_gan, "latent_gan": export_latent_gan, "cond_gan": export_cond_gan}[m](args.out)


if __name__ == "__main__":
    main()
