"""Small fixed-seed ONNX models for the executor/runtime tests.

models/test/conv-net: conv3x3(3->8) -> ReLU -> conv3x3(8->3), dynamic H/W, plus a fixture with the
output torch computes, so tests can check onnxruntime against it.
Run: /usr/bin/python3 models/tools/make_test_models.py
"""
import json
import math
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from manifest import write_manifest  # noqa: E402

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


if __name__ == "__main__":
    make_conv_net()
