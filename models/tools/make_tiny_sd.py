"""Tiny random-weight model sets in the public Stable Diffusion ONNX layout, for the diffusion-node tests.

models/test/tiny-sd/                    unet timestep int64 [1]
models/test/tiny-sd-float-timestep/     unet timestep float32 scalar (rank 0); otherwise identical
Both have a vae_encoder (`sample` [B,3,H,W] in [-1,1] -> `latent_sample`): tiny-sd's gives the mean
[B,4,h,w]; tiny-sd-float-timestep's the 8-channel form some exports write, mean then log-variance
[B,8,h,w] (the same encoder weights, so its first 4 channels equal tiny-sd's latents).
Untrained, fixed-seed weights; the tokenizer is models/test/tokenizer.
Run: /usr/bin/python3 models/tools/make_tiny_sd.py
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "train"))
from sd_export import export_sd  # noqa: E402
from sd_modules import TextEncoder, UNet, VAEDecoder, VAEEncoder  # noqa: E402

TEST = os.path.join(HERE, "..", "test")
TOKENIZER = os.path.join(TEST, "tokenizer")


def build():
    torch.manual_seed(0)
    vocab = len(json.load(open(os.path.join(TOKENIZER, "vocab.json"))))
    text_encoder = TextEncoder(vocab, dim=32, layers=1, heads=2)
    unet = UNet(ctx_dim=32, ch=32, ch2=32)
    decoder = VAEDecoder(ch=16)
    with torch.no_grad():  # random init barely reacts to text and decodes to near-grey: amplify both
        for block in (unet.attn1, unet.attn_mid, unet.attn2):
            block.o2.weight.mul_(20)
        decoder.net[-1].weight.mul_(6)
    return text_encoder, unet, decoder


class EncoderOutput(torch.nn.Module):
    """Export wrapper: the mean [B,4,h,w], or mean and log-variance concatenated [B,8,h,w]."""

    def __init__(self, encoder, parameters):
        super().__init__()
        self.encoder, self.parameters_out = encoder, parameters

    def forward(self, sample):
        mean, logvar = self.encoder(sample)
        return torch.cat([mean, logvar], dim=1) if self.parameters_out else mean


def build_encoder():
    # Its own seed, after the other parts, so their weights (and files) stay as they were.
    torch.manual_seed(3)
    return VAEEncoder(ch=16)


def main():
    for name, float_timestep in (("tiny-sd", False), ("tiny-sd-float-timestep", True)):
        text_encoder, unet, decoder = build()  # same seed: both sets share weights
        encoder = EncoderOutput(build_encoder(), parameters=float_timestep)
        out = os.path.join(TEST, name)
        print(name)
        export_sd(out, text_encoder, unet, decoder, TOKENIZER, scaling_factor=0.18215,
                  rgb_latents=torch.randn(16, 4, 8, 8, generator=torch.Generator().manual_seed(1)),
                  float_timestep=float_timestep, id=f"test-{name}",
                  title=f"Tiny SD test set ({'float32 scalar' if float_timestep else 'int64'} timestep)",
                  license="MIT", encoder=encoder)


if __name__ == "__main__":
    main()
