"""An fp16 copy of an SD-layout model set, shaped like the half-precision exports people download.

models/test/tiny-sd-fp16/   tiny-sd with float16 weights and float16 inputs and outputs
Every float32 initializer is stored as float16 and cast up where it is used; every float32 graph input
and output becomes float16 with a Cast at the boundary. Integer inputs (input_ids, an int64 timestep)
are kept. The arithmetic inside stays float32, so the copy differs from the original only by fp16
rounding of weights and of what crosses the boundary: the app's fp16 path can be checked against
the float32 set.
Run: /usr/bin/python3 models/tools/make_fp16.py
`--weights-only IN.onnx OUT.onnx` halves one model's file and keeps its float32 inputs and outputs.
"""
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from manifest import write_manifest  # noqa: E402

TEST = os.path.join(HERE, "..", "test")


def rename(nodes, old, new, outputs=False):
    for node in nodes:
        names = node.output if outputs else node.input
        for i, name in enumerate(names):
            if name == old:
                names[i] = new


def to_fp16(model, io=True):
    """Weights stored as float16 (cast up where used); with io, float32 inputs and outputs become float16
    too. Without io the model keeps its float32 interface and only its file halves."""
    g = model.graph
    head, tail, inits = [], [], []
    for init in g.initializer:
        if init.data_type != TensorProto.FLOAT:
            inits.append(init)
            continue
        half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "_fp16")
        inits.append(half)
        head.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
    for inp in g.input if io else []:
        if inp.type.tensor_type.elem_type == TensorProto.FLOAT:
            rename(g.node, inp.name, inp.name + "_fp32")
            inp.type.tensor_type.elem_type = TensorProto.FLOAT16
            head.append(helper.make_node("Cast", [inp.name], [inp.name + "_fp32"], to=TensorProto.FLOAT))
    for out in g.output if io else []:
        if out.type.tensor_type.elem_type == TensorProto.FLOAT:
            rename(g.node, out.name, out.name + "_fp32", outputs=True)
            rename(g.node, out.name, out.name + "_fp32")
            out.type.tensor_type.elem_type = TensorProto.FLOAT16
            tail.append(helper.make_node("Cast", [out.name + "_fp32"], [out.name], to=TensorProto.FLOAT16))
    nodes = head + list(g.node) + tail
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(inits)
    del g.value_info[:]  # shapes and types inferred for the float32 graph no longer hold at the edges
    onnx.checker.check_model(model)
    return model


def convert_set(src, dst, id, title):
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.onnx", "manifest.json"))
    manifest = json.load(open(os.path.join(src, "manifest.json")))
    for f in manifest["files"]:
        if f["path"].endswith(".onnx"):
            onnx.save(to_fp16(onnx.load(os.path.join(src, f["path"]))), os.path.join(dst, f["path"]))
    extra = {k: manifest[k] for k in ("latent", "image", "conditioning") if k in manifest}
    write_manifest(dst, id, title, manifest["kind"], [(f["role"], f["path"]) for f in manifest["files"]],
                   license=manifest["license"], **extra)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--weights-only"]:  # make_fp16.py --weights-only IN.onnx OUT.onnx
        onnx.save(to_fp16(onnx.load(sys.argv[2]), io=False), sys.argv[3])
        print(f"wrote {sys.argv[3]}")
        sys.exit()
    convert_set(os.path.join(TEST, "tiny-sd"), os.path.join(TEST, "tiny-sd-fp16"), "test-tiny-sd-fp16",
                "Tiny SD test set (fp16 weights, inputs and outputs)")
    print("wrote models/test/tiny-sd-fp16")
