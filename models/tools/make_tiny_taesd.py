"""A tiny TAESD-shaped preview decoder for tests: models/test/tiny-taesd.

TAESD's decoder (madebyollin/taesd) at a width of 8 instead of 64 and one block per stage instead of
three: tanh clamp, conv, then three stages of (block, nearest 2x upsample, conv), a block and a conv to
RGB; as diffusers' AutoencoderTiny, its [0, 1] output is mapped to [-1, 1]. Random weights, fixed seed.
Exported as optimum exports TAESD (input latent_sample, output sample, the same symbolic dim names), so
it matches the signature of models/known.json's "taesd-decoder". Checked with onnxruntime-node.
Run: /usr/bin/python3 models/tools/make_tiny_taesd.py
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "tiny-taesd")
WIDTH = 8


def conv(n_in, n_out, **kwargs):
    return nn.Conv2d(n_in, n_out, 3, padding=1, **kwargs)


class Clamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


class Block(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.conv = nn.Sequential(conv(n, n), nn.ReLU(), conv(n, n), nn.ReLU(), conv(n, n))
        self.fuse = nn.ReLU()

    def forward(self, x):
        return self.fuse(self.conv(x) + x)


class TinyTaesdDecoder(nn.Module):
    def __init__(self, latent_channels=4, n=WIDTH):
        super().__init__()
        stages = []
        for _ in range(3):
            stages += [Block(n), nn.Upsample(scale_factor=2), conv(n, n, bias=False)]
        self.layers = nn.Sequential(Clamp(), conv(latent_channels, n), nn.ReLU(), *stages, Block(n), conv(n, 3))

    def forward(self, latent_sample):
        return self.layers(latent_sample).mul(2).sub(1)


def main():
    torch.manual_seed(0)
    net = TinyTaesdDecoder().eval()
    os.makedirs(os.path.join(OUT, "vae_decoder"), exist_ok=True)
    path = os.path.join(OUT, "vae_decoder", "model.onnx")
    torch.onnx.export(
        net, torch.zeros(1, 4, 8, 8), path, input_names=["latent_sample"], output_names=["sample"], opset_version=17,
        dynamic_axes={
            "latent_sample": {0: "batch_size", 1: "num_channels_latent", 2: "height_latent", 3: "width_latent"},
            "sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
        },
    )
    x = torch.randn(1, 4, 8, 6)
    with torch.no_grad():
        verify(path, {"latent_sample": x.numpy()}, {"sample": net(x).numpy()}, tolerance=1e-5)
    write_manifest(
        OUT, "test-tiny-taesd", "Tiny TAESD-shaped preview decoder (random weights)", "preview-decoder",
        [("vae_decoder", "vae_decoder/model.onnx")], license="MIT",
        latent={"channels": 4, "downscale": 8, "scalingFactor": 1},
    )


if __name__ == "__main__":
    main()
