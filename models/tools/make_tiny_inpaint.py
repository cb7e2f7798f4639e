"""A tiny inpainting model set in the public Stable Diffusion ONNX layout, for the inpainting tests.

models/test/tiny-sd-inpaint/   tiny-sd's text encoder, VAE decoder and encoder, tokenizer and scheduler,
                               with a 9-channel UNet: `sample` [B,9,h,w] (the latent, the mask, the
                               masked image's latent, as diffusers' inpainting pipeline concatenates
                               them) -> `out_sample` [B,4,h,w].
The UNet is a fixed-seed 1x1 convolution from 9 channels to 4 in front of tiny-sd's UNet, so every
input channel moves the output. Untrained.
Run (after make_tiny_sd.py): /usr/bin/python3 models/tools/make_tiny_inpaint.py
"""
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_tiny_sd import build  # noqa: E402
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402

TEST = os.path.join(HERE, "..", "test")
OPSET = 17


class InpaintUNet(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        torch.manual_seed(9)
        self.mix = torch.nn.Conv2d(9, 4, 1)
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(self.mix(sample), timestep, encoder_hidden_states)


def main():
    src = os.path.join(TEST, "tiny-sd")
    out = os.path.join(TEST, "tiny-sd-inpaint")
    if os.path.exists(out):
        shutil.rmtree(out)
    for part in ("text_encoder", "vae_decoder", "vae_encoder", "tokenizer", "scheduler"):
        shutil.copytree(os.path.join(src, part), os.path.join(out, part))
    shutil.copy(os.path.join(src, "model_index.json"), os.path.join(out, "model_index.json"))
    os.makedirs(os.path.join(out, "unet"))
    _, unet, _ = build()
    model = InpaintUNet(unet.eval()).eval()
    g = torch.Generator().manual_seed(0)
    sample = torch.randn(2, 9, 8, 8, generator=g)
    timestep = torch.tensor([500], dtype=torch.int64)
    hidden = torch.randn(2, 77, 32, generator=g)
    path = os.path.join(out, "unet", "model.onnx")
    torch.onnx.export(model, (sample, timestep, hidden), path,
                      input_names=["sample", "timestep", "encoder_hidden_states"], output_names=["out_sample"],
                      opset_version=OPSET,
                      dynamic_axes={"sample": {0: "batch", 2: "height", 3: "width"},
                                    "encoder_hidden_states": {0: "batch"},
                                    "out_sample": {0: "batch", 2: "height", 3: "width"}})
    with torch.no_grad():
        verify(path, {"sample": sample.numpy(), "timestep": timestep.numpy(), "encoder_hidden_states": hidden.numpy()},
               {"out_sample": model(sample, timestep, hidden).numpy()})
    with open(os.path.join(out, "unet", "config.json"), "w") as f:
        json.dump({"in_channels": 9, "out_channels": 4, "sample_size": 8, "cross_attention_dim": 32,
                   "timestep_dtype": "int64 [1]"}, f, indent=2)
        f.write("\n")
    shipped = json.load(open(os.path.join(src, "manifest.json")))
    write_manifest(out, "test-tiny-sd-inpaint", "Tiny SD inpainting test set (9-channel UNet)", "stable-diffusion",
                   [(f["role"], f["path"]) for f in shipped["files"]], license="MIT",
                   latent=shipped["latent"], image=shipped["image"], conditioning=shipped["conditioning"])
    print(out)


if __name__ == "__main__":
    main()
