"""Convert UpscalerJS's ESRGAN x4 models (npm @upscalerjs/esrgan-slim, -medium, -thick 1.0.0; TF.js
layers models saved from Keras) to ONNX for the Upscale node.

The Keras layer graph in each model.json is re-implemented in PyTorch layer by layer (Conv2D,
Activation, Concatenate, Add, UpSampling2D, and the thick model's MultiplyBeta and PixelShuffle4x),
the TF.js weights are loaded into it, and its output is checked against TF.js itself (the WASM
backend in Node, through upscalerjs_ref.mjs) on a fixed input, then the ONNX export is checked
against PyTorch with onnxruntime-node.

The ONNX model takes `input` float32 [1,3,H,W] and gives `output` float32 [1,3,4H,4W] (H, W dynamic)
in the range UpscalerJS feeds the model: [0, 255] for slim and medium (the RDN models), [0, 1] for
thick (RRDB); the manifest's `upscaler.range` says which. Outputs are not clamped (UpscalerJS clips
them to the range afterwards; so does the Upscale node).

Writes models/.cache/peer/esrgan-<size>-x4/{model.onnx,manifest.json} (git-ignored; 1, 3 and 28 MB).
Usage: python3 models/tools/convert_upscalerjs.py [slim medium thick] [--no-fold]
(--no-fold keeps the RDN models' nearest upsampling and full-size last conv as TF.js runs them.)
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "models", ".cache", "peer")
sys.path.insert(0, HERE)
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402

SIZES = ["slim", "medium", "thick"]


def model_dir(size):
    # The same folder upscalerjs_ref.mjs loads (node_modules may be a symlink: ask Node).
    js = ("const fs=require('fs'),path=require('path');"
          f"let d=path.dirname(require.resolve('@upscalerjs/esrgan-{size}/4x'));"
          "while(!fs.existsSync(path.join(d,'package.json')))d=path.dirname(d);"
          "console.log(path.join(d,'models','x4'))")
    return subprocess.run(["node", "-e", js], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def load_tfjs(folder):
    with open(os.path.join(folder, "model.json")) as f:
        spec = json.load(f)
    weights = {}
    for group in spec["weightsManifest"]:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            assert w["dtype"] == "float32" and "quantization" not in w, w
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            weights[w["name"]] = np.frombuffer(data, np.float32, n, offset).reshape(w["shape"])
            offset += 4 * n
    return spec, weights


class KerasGraph(nn.Module):
    """The Keras functional graph of model.json, run in NCHW. Layers are kept in file order, which
    Keras writes topologically."""

    def __init__(self, spec, weights, fold=True):
        super().__init__()
        config = spec["modelTopology"]["model_config"]["config"]
        self.layers = config["layers"]
        self.output_name = config["output_layers"][0][0]
        self.convs = nn.ModuleDict()
        # Nearest upsampling by s followed by a conv (the RDN models' last layer, 48 channels at 4x the
        # size) is the same as a conv at the low resolution giving s*s times the channels, then a pixel
        # shuffle: the same sums of the same weights, without the 48-channel full-size tensor.
        self.folded = {}  # conv name -> upsampling factor
        if fold:
            readers = {}
            for l in self.layers:
                for n in (l["inbound_nodes"][0] if l["inbound_nodes"] else []):
                    readers.setdefault(n[0], []).append(l)
            for l in self.layers:
                r = readers.get(l["name"], [])
                if l["class_name"] == "UpSampling2D" and len(r) == 1 and r[0]["class_name"] == "Conv2D" and r[0]["config"]["activation"] == "linear":
                    s = l["config"]["size"]
                    if s[0] == s[1] and r[0]["config"]["kernel_size"] == [3, 3]:
                        self.folded[r[0]["name"]] = s[0]
        feeds_shuffle = {l["inbound_nodes"][0][0][0]: l["config"].get("scale", 4)
                         for l in self.layers if l["class_name"].startswith("PixelShuffle")}
        for layer in self.layers:
            c = layer["config"]
            if layer["class_name"] != "Conv2D":
                continue
            assert c["strides"] == [1, 1] and c["dilation_rate"] == [1, 1] and c["groups"] == 1, c
            assert c["activation"] in ("linear", "relu"), c["activation"]
            kernel = weights[f"{layer['name']}/kernel"]  # [kh, kw, in, out]
            kh, kw, cin, cout = kernel.shape
            assert c["padding"] == "valid" and kh == kw == 1 or c["padding"] == "same" and kh % 2 == 1 and kw % 2 == 1, c
            w = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
            b = torch.from_numpy(weights[f"{layer['name']}/bias"].copy()) if c["use_bias"] else None
            if layer["name"] in self.folded:
                w, b = fold_upsample(w, b, self.folded[layer["name"]])
                cout, kh, kw = w.shape[0], w.shape[2], w.shape[3]
            conv = nn.Conv2d(cin, cout, (kh, kw), padding=(kh // 2, kw // 2), bias=c["use_bias"])
            if layer["name"] in feeds_shuffle:
                # TF's depth_to_space (NHWC) reads channel (i*s + j)*C + c; PyTorch's pixel_shuffle reads
                # c*s*s + i*s + j: reorder this conv's output channels so pixel_shuffle gives TF's result.
                s = feeds_shuffle[layer["name"]]
                C = cout // (s * s)
                order = torch.tensor([(ij * C) + ch for ch in range(C) for ij in range(s * s)])
                w, b = w[order], (b[order] if b is not None else None)
            conv.weight.data.copy_(w)
            if b is not None:
                conv.bias.data.copy_(b)
            self.convs[layer["name"]] = conv

    def forward(self, x):
        values = {}
        for layer in self.layers:
            kind, name, c = layer["class_name"], layer["name"], layer["config"]
            ins = [values[n[0]] for n in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else [x]
            if kind == "InputLayer":
                y = x
            elif kind == "Conv2D":
                y = self.convs[name](ins[0])
                if name in self.folded:
                    y = F.pixel_shuffle(y, self.folded[name])
                if c["activation"] == "relu":
                    y = F.relu(y)
            elif kind == "Activation":
                assert c["activation"] in ("relu", "linear"), c["activation"]
                y = F.relu(ins[0]) if c["activation"] == "relu" else ins[0]
            elif kind == "Concatenate":
                assert c["axis"] in (3, -1), c["axis"]
                y = torch.cat(ins, dim=1)
            elif kind == "Add":
                y = ins[0]
                for other in ins[1:]:
                    y = y + other
            elif kind == "UpSampling2D" and readers_fold(self, name):
                y = ins[0]  # done by the folded conv after it
            elif kind == "UpSampling2D":
                assert c["interpolation"] == "nearest" and c["data_format"] == "channels_last", c
                y = F.interpolate(ins[0], scale_factor=tuple(float(s) for s in c["size"]), mode="nearest")
            elif kind == "MultiplyBeta":
                y = ins[0] * c.get("beta", 0.2)
            elif kind.startswith("PixelShuffle"):
                y = F.pixel_shuffle(ins[0], c.get("scale", 4))
            else:
                raise ValueError(f"layer {name}: {kind} is not supported")
            values[name] = y
        return values[self.output_name]


def readers_fold(graph, name):
    return any(l["name"] in graph.folded and l["inbound_nodes"][0][0][0] == name for l in graph.layers)


def fold_upsample(w, b, s):
    """A 3x3 'same' conv after nearest upsampling by s, as a 3x3 conv at the low resolution with
    cout*s*s outputs in pixel_shuffle order (c*s*s + i*s + j for the output pixel's phase i, j).
    High-res tap k of phase i reads low-res offset floor((i + k - 1) / s), which is -1, 0 or 1."""
    cout, cin, K, _ = w.shape
    assert K == 3 and s >= 2
    out = torch.zeros(cout, s, s, cin, 3, 3, dtype=w.dtype)
    for i in range(s):
        for j in range(s):
            for ky in range(K):
                for kx in range(K):
                    dy, dx = (i + ky - 1) // s + 1, (j + kx - 1) // s + 1
                    out[:, i, j, :, dy, dx] += w[:, :, ky, kx]
    bias = b.repeat_interleave(s * s) if b is not None else None
    return out.reshape(cout * s * s, cin, 3, 3), bias


def reference(size, h=23, w=31):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    try:
        subprocess.run(["node", os.path.join(HERE, "upscalerjs_ref.mjs"), size, path, str(h), str(w)], cwd=ROOT, check=True)
        with open(path) as f:
            ref = json.load(f)
    finally:
        os.unlink(path)
    x = np.array(ref["input"]["data"], np.float32).reshape(ref["input"]["dims"])
    y = np.array(ref["output"]["data"], np.float32).reshape(ref["output"]["dims"])
    return x.transpose(0, 3, 1, 2), y.transpose(0, 3, 1, 2)


def convert(size):
    spec, weights = load_tfjs(model_dir(size))
    net = KerasGraph(spec, weights, fold="--no-fold" not in sys.argv).eval()
    hi = 1.0 if size == "thick" else 255.0
    x, want = reference(size)
    with torch.no_grad():
        got = net(torch.from_numpy(x)).numpy()
    # Compared in [0, 1] units whatever the model's range.
    diff = float(np.abs(got - want).max()) / hi
    print(f"esrgan-{size}: {sum(p.numel() for p in net.parameters())} parameters; PyTorch vs TF.js (wasm) max abs diff {diff:.2e} in [0,1] units")
    if not diff <= 1e-4:
        raise RuntimeError(f"esrgan-{size}: PyTorch differs from TF.js by {diff}")

    folder = os.path.join(OUT, f"esrgan-{size}-x4")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    dummy = torch.rand(1, 3, 16, 20) * hi
    torch.onnx.export(net, dummy, path, opset_version=17, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "height4", 3: "width4"}})
    verify(path, {"input": x}, {"output": got}, tolerance=1e-4 * hi)
    write_manifest(folder, f"esrgan-{size}-x4", f"UpscalerJS ESRGAN {size} x4 (converted)", "upscaler",
                   [("model", "model.onnx")], "MIT (@upscalerjs/esrgan-" + size + " 1.0.0)", source="converted",
                   upscaler={"scale": 4, "range": [0, int(hi)]})
    return diff


if __name__ == "__main__":
    torch.manual_seed(0)
    for size in [a for a in sys.argv[1:] if not a.startswith("--")] or SIZES:
        convert(size)
