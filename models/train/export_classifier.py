"""Export the emoji classifier (the evaluator) to ONNX with its label list, checked with onnxruntime-node.

Writes $LOOM_TRAIN_CACHE/export/loom-emoji-classifier/ (or --out):
  model.onnx   `image` float32 [B,3,64,64] RGB in [0,1] (128 px images: average 2x2 blocks first)
               -> `logits` float32 [B,N]; softmax gives class probabilities. B dynamic. Opset 17.
  labels.json  [{"index", "hex", "char", "label", "plain": [captions naming it]}, ...] in logit order
  manifest.json  latent-loom/model manifest (kind "classifier")
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

import common
import train_classifier

sys.path.insert(0, os.path.join(common.MODELS, "tools"))
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402

LICENSE = ("CC-BY-SA-4.0 (weights trained on Noto Emoji, Apache-2.0; Twemoji, CC-BY-4.0; OpenMoji, CC-BY-SA-4.0; "
           "Fluent Emoji, MIT; EmojiOne 2, CC-BY-4.0; see models/README.md)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(common.CACHE, "export", "loom-emoji-classifier"))
    args = ap.parse_args()
    meta = json.load(open(os.path.join(common.DATA, "emoji128.json")))
    net = train_classifier.build(len(meta["emoji"]))
    net.load_state_dict(common.load_weights("classifier")["net"])
    net.eval()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(net, torch.rand(1, 3, train_classifier.IN, train_classifier.IN), path, input_names=["image"],
                      output_names=["logits"], opset_version=17,
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    x = torch.rand(3, 3, train_classifier.IN, train_classifier.IN, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        verify(path, {"image": x.numpy()}, {"logits": net(x).numpy()})
    labels = [dict(index=i, hex=e["hex"], char=e["char"], label=e["label"], plain=e["plain"])
              for i, e in enumerate(meta["emoji"])]
    with open(os.path.join(args.out, "labels.json"), "w") as f:
        json.dump(labels, f, ensure_ascii=False, indent=1)
        f.write("\n")
    results = json.load(open(os.path.join(common.CACHE, "results.json"))).get("classifier", {})
    write_manifest(args.out, "loom-emoji-classifier", "Loom Emoji classifier (evaluator)", "classifier",
                   [("model", "model.onnx"), ("labels", "labels.json")], license=LICENSE,
                   classifier={"input": [train_classifier.IN, train_classifier.IN], "range": [0, 1],
                               "classes": len(labels), "output": "logits",
                               "heldoutTop1": results.get("heldout_top1"), "heldoutTop5": results.get("heldout_top5")})
    print(f"exported {path} ({os.path.getsize(path) / 1e6:.1f} MB), {len(labels)} labels")


if __name__ == "__main__":
    main()
