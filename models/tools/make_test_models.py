"""Small fixed-seed ONNX models for the executor/runtime tests.

models/test/conv-net: conv3x3(3->8) -> ReLU -> conv3x3(8->3), dynamic H/W, plus a fixture with the
output torch computes, so tests can check onnxruntime against it.
models/test/tiny-upscaler: input [1,3,H,W] -> output [1,3,2H,2W] in [0,1] (2 conv3x3 + PixelShuffle,
receptive field 5x5 input pixels), dynamic H/W.
models/test/tiny-gan: z [B,16] -> image [B,3,16,16] in [-1,1] (tanh).
models/test/tiny-gan-psi: z [B,16], psi [1] -> image [B,3,16,16] in [-1,1]: a mapping MLP to w, w moved
toward the mapping's mean w_avg by psi (StyleGAN's truncation trick), then a tiny synthesis.
models/test/tiny-gan-label: z [B,16], label int64 [B], psi [1] -> image [B,3,16,16]: tiny-gan-psi made
class-conditional (3 classes), truncation toward each class's mean w.
All weights are random with fixed seeds, and each model is checked with onnxruntime-node.
Run: /usr/bin/python3 models/tools/make_test_models.py [conv-net tiny-upscaler tiny-gan tiny-gan-psi tiny-gan-label]
(no names: all of them)
"""
import json
import math
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "test")


def conv_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 3, 3, padding=1)).eval()


def make_conv_net():
    out_dir = os.path.join(ROOT, "conv-net")
    os.makedirs(out_dir, exist_ok=True)
    net = conv_net()
    torch.onnx.export(
        net, torch.zeros(1, 3, 8, 8), os.path.join(out_dir, "model.onnx"),
        input_names=["input"], output_names=["output"], opset_version=17,
        dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "height", 3: "width"}},
    )
    dims = [1, 3, 4, 5]
    values = [math.sin(0.37 * i) for i in range(math.prod(dims))]
    x = torch.tensor(values, dtype=torch.float32).reshape(dims)
    with torch.no_grad():
        y = net(x)
    fixture = {
        "input": {"name": "input", "dims": dims, "data": x.flatten().tolist(), "formula": "sin(0.37 * i)"},
        "output": {"name": "output", "dims": list(y.shape), "data": y.flatten().tolist()},
        "tolerance": 1e-5,
    }
    with open(os.path.join(out_dir, "fixture.json"), "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    write_manifest(out_dir, "test-conv-net", "Test conv net", "test", [("model", "model.onnx")], license="MIT")


class TinyUpscaler(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 12, 3, padding=1),
                                 nn.PixelShuffle(2), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


class TinyGenerator(nn.Module):
    def __init__(self, z_dim=16):
        super().__init__()
        self.fc = nn.Linear(z_dim, 32 * 4 * 4)
        self.net = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(),
                                 nn.ConvTranspose2d(16, 8, 4, 2, 1), nn.ReLU(), nn.Conv2d(8, 3, 3, padding=1), nn.Tanh())

    def forward(self, z):
        return self.net(self.fc(z).reshape(-1, 32, 4, 4))


class TinyStyleGenerator(nn.Module):
    """z -> mapping MLP -> w; w' = w_avg + psi (w - w_avg); w' -> TinyGenerator's synthesis. As StyleGAN's,
    the mapping normalises z first, so scaling z (truncation's fallback) changes nothing here but psi = 0."""

    def __init__(self, z_dim=16, w_dim=16):
        super().__init__()
        self.mapping = nn.Sequential(nn.Linear(z_dim, 32), nn.ReLU(), nn.Linear(32, w_dim))
        self.synthesis = TinyGenerator(w_dim)
        self.register_buffer("w_avg", torch.zeros(w_dim))

    def map(self, z):
        return self.mapping(z * torch.rsqrt((z * z).mean(dim=1, keepdim=True) + 1e-8))

    def forward(self, z, psi):
        w = self.map(z)
        return self.synthesis(self.w_avg + psi * (w - self.w_avg))


class TinyLabelGenerator(TinyStyleGenerator):
    """A class-conditional TinyStyleGenerator: w from z and an embedding of the label, each normalised;
    truncation toward the label's own mean w (w_avg[label])."""

    def __init__(self, classes, z_dim=16, w_dim=16):
        super().__init__(z_dim, w_dim)
        self.embed = nn.Embedding(classes, z_dim)
        self.mapping = nn.Sequential(nn.Linear(2 * z_dim, 32), nn.ReLU(), nn.Linear(32, w_dim))
        self.register_buffer("w_avg", torch.zeros(classes, w_dim))

    def map(self, z, label):
        unit = lambda v: v * torch.rsqrt((v * v).mean(dim=1, keepdim=True) + 1e-8)
        return self.mapping(torch.cat([unit(z), unit(self.embed(label))], 1))

    def forward(self, z, label, psi):
        w, avg = self.map(z, label), self.w_avg[label]
        return self.synthesis(avg + psi * (w - avg))


TINY_CLASSES = [["red heart", "heart"], ["cat face", "cat"], ["cat", "kitty"]]


def make_tiny_upscaler():
    out_dir = os.path.join(ROOT, "tiny-upscaler")
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(1)
    net = TinyUpscaler().eval()
    path = os.path.join(out_dir, "model.onnx")
    torch.onnx.export(net, torch.rand(1, 3, 8, 8), path, input_names=["input"], output_names=["output"],
                      opset_version=17,
                      dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "out_height", 3: "out_width"}})  # sH, sW: own names
    x = torch.rand(1, 3, 7, 12)
    with torch.no_grad():
        verify(path, {"input": x.numpy()}, {"output": net(x).numpy()})
    write_manifest(out_dir, "test-tiny-upscaler", "Tiny 2x upscaler (random weights)", "upscaler",
                   [("model", "model.onnx")], license="MIT", upscaler={"scale": 2, "range": [0, 1]})


def make_tiny_gan():
    out_dir = os.path.join(ROOT, "tiny-gan")
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(2)
    net = TinyGenerator().eval()
    path = os.path.join(out_dir, "model.onnx")
    torch.onnx.export(net, torch.randn(1, 16), path, input_names=["z"], output_names=["image"], opset_version=17,
                      dynamic_axes={"z": {0: "batch"}, "image": {0: "batch"}})
    z = torch.randn(3, 16)
    with torch.no_grad():
        verify(path, {"z": z.numpy()}, {"image": net(z).numpy()})
    write_manifest(out_dir, "test-tiny-gan", "Tiny GAN generator (random weights)", "gan",
                   [("model", "model.onnx")], license="MIT", image={"width": 16, "height": 16},
                   gan={"zDim": 16, "range": [-1, 1]})


def make_tiny_gan_psi():
    out_dir = os.path.join(ROOT, "tiny-gan-psi")
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(3)
    net = TinyStyleGenerator().eval()
    with torch.no_grad():
        for p in net.synthesis.parameters():
            p.mul_(2)  # at the default init every seed gives nearly the same flat grey; doubled, they differ
        # w_avg as a trained generator keeps it: the mean of w over many z. Not 0 and not mapping(0),
        # so scaling z differs from moving w.
        net.w_avg.copy_(net.map(torch.randn(4096, 16)).mean(0))
    path = os.path.join(out_dir, "model.onnx")
    torch.onnx.export(net, (torch.randn(1, 16), torch.tensor([0.7])), path, input_names=["z", "psi"],
                      output_names=["image"], opset_version=17,
                      dynamic_axes={"z": {0: "batch"}, "image": {0: "batch"}})
    z = torch.randn(3, 16)
    for psi in (0.0, 0.5, 1.0):
        p = torch.tensor([psi])
        with torch.no_grad():
            verify(path, {"z": z.numpy(), "psi": p.numpy()}, {"image": net(z, p).numpy()})
    write_manifest(out_dir, "test-tiny-gan-psi", "Tiny GAN generator with a truncation input (random weights)", "gan",
                   [("model", "model.onnx")], license="MIT", image={"width": 16, "height": 16},
                   gan={"zDim": 16, "range": [-1, 1], "truncationInput": "psi", "psi": 0.7})


def make_tiny_gan_label():
    out_dir = os.path.join(ROOT, "tiny-gan-label")
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(4)
    net = TinyLabelGenerator(len(TINY_CLASSES)).eval()
    with torch.no_grad():
        for p in net.synthesis.parameters():
            p.mul_(2)  # as tiny-gan-psi: doubled, seeds and classes give images that differ
        z = torch.randn(4096, 16)
        for c in range(len(TINY_CLASSES)):
            net.w_avg[c] = net.map(z, torch.full((4096,), c)).mean(0)
    path = os.path.join(out_dir, "model.onnx")
    torch.onnx.export(net, (torch.randn(2, 16), torch.tensor([0, 1]), torch.tensor([0.7])), path,
                      input_names=["z", "label", "psi"], output_names=["image"], opset_version=17,
                      dynamic_axes={"z": {0: "batch"}, "label": {0: "batch"}, "image": {0: "batch"}})
    z, label = torch.randn(3, 16), torch.tensor([0, 1, 2])
    for psi in (0.0, 1.0):
        p = torch.tensor([psi])
        with torch.no_grad():
            verify(path, {"z": z.numpy(), "label": label.numpy(), "psi": p.numpy()}, {"image": net(z, label, p).numpy()})
    write_manifest(out_dir, "test-tiny-gan-label", "Tiny class-conditional GAN generator (random weights)", "gan",
                   [("model", "model.onnx")], license="MIT", image={"width": 16, "height": 16},
                   gan={"zDim": 16, "range": [-1, 1], "truncationInput": "psi", "psi": 0.7, "labelInput": "label",
                        "classes": TINY_CLASSES})


MAKERS = {"conv-net": make_conv_net, "tiny-upscaler": make_tiny_upscaler, "tiny-gan": make_tiny_gan,
          "tiny-gan-psi": make_tiny_gan_psi, "tiny-gan-label": make_tiny_gan_label}

if __name__ == "__main__":
    for name in sys.argv[1:] or MAKERS:
        MAKERS[name]()
