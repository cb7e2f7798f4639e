"""Check an exported ONNX model with onnxruntime-node (the runtime the app uses) against torch outputs."""
import json
import os
import subprocess
import tempfile

import numpy as np

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_check.cjs")
TYPES = {np.dtype("float32"): "float32", np.dtype("int32"): "int32", np.dtype("int64"): "int64"}


def verify(model_path, inputs, outputs, tolerance=1e-3):
    """inputs/outputs: {name: numpy array}. Returns the max abs difference; raises above tolerance."""
    case = {"inputs": {k: {"dims": list(v.shape), "type": TYPES[v.dtype], "data": v.flatten().tolist()}
                       for k, v in inputs.items()},
            "outputs": {k: {"dims": list(v.shape), "data": v.astype(np.float64).flatten().tolist()}
                        for k, v in outputs.items()}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(case, f)
    try:
        out = subprocess.run(["node", CHECKER, model_path, f.name], capture_output=True, text=True, check=True)
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"onnxruntime-node failed on {model_path}: {e.stderr}") from e
    finally:
        os.unlink(f.name)
    diff = json.loads(out.stdout.strip().splitlines()[-1])["maxAbsDiff"]
    print(f"  ort-node {os.path.relpath(model_path)} {list(inputs)} max abs diff {diff:.2e}")
    if not diff <= tolerance:
        raise RuntimeError(f"{model_path}: onnxruntime-node differs from torch by {diff}")
    return diff
