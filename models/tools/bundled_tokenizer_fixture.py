"""Write src/diffusion/fixtures/bundled_tokenizer.json: the [77] ids the training scripts feed the bundled
loom-emoji-sd's text encoder (train/clip_tokenize.py, padded with the model's pad token) for a few prompts
of the kinds people type, on the bundled tokenizer files. The app's tokenizer must give the same ids
(src/diffusion/clipTokenizer.test.ts). The fixture records the files' sha256, so a new export with other
tokenizer files says to run this again:

    /usr/bin/python3 models/tools/bundled_tokenizer_fixture.py
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "train"))
from clip_tokenize import ClipTokenizer  # noqa: E402

FOLDER = "models/bundle/loom-emoji-sd/tokenizer"
OUT = os.path.join(ROOT, "src", "diffusion", "fixtures", "bundled_tokenizer.json")
PROMPTS = [
    "a cat", "a red apple", "smiling face with sunglasses", "a cat in flat style", "pizza, 3d",
    "Cat Face, kitten", "a (red:1.2) apple, glossy cartoon", "piñata in openmoji style",
    "an astronaut riding a zebra-unicorn on mars, 8k", "", " ".join(["banana"] * 80),
]


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    folder = os.path.join(ROOT, FOLDER)
    tok = ClipTokenizer(folder)
    fixture = {
        "source": f"models/tools/bundled_tokenizer_fixture.py: models/train/clip_tokenize.py on {FOLDER}",
        "sha256": {name: sha256(os.path.join(folder, name)) for name in ("vocab.json", "merges.txt")},
        "cases": [{"prompt": p, "ids": tok(p)} for p in PROMPTS],
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False)
        f.write("\n")
    print(f"{len(PROMPTS)} prompts -> {OUT}")


if __name__ == "__main__":
    main()
