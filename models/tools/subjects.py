"""Write models/bundle/loom-emoji-sd/subjects.json: what the bundled text-to-image model can be asked for.

The model trained on a curated subset (320) of the training-split emoji of six object-like categories
(train/prepare_data.py). Picking that subset needs the rendered images; this lists the names it was
drawn from: every training-split emoji name of those categories (the same split, same seed), and marks
the captions of samples.txt, which the model is known to draw well.

    python3 models/tools/subjects.py [path to emoji-datasource-google's package folder]
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
try:
    import PIL  # noqa: F401  (prepare_data imports it; nothing here draws)
except ImportError:
    import types
    sys.modules["PIL"] = types.SimpleNamespace(Image=None)
from prepare_data import RAW, SEED, SUBSET_CATEGORIES, caption_of  # noqa: E402

BUNDLE = os.path.join(HERE, "..", "bundle", "loom-emoji-sd")


def main():
    pkg = sys.argv[1] if len(sys.argv) > 1 else os.path.join(RAW, "emoji", "package")
    entries = json.load(open(os.path.join(pkg, "emoji.json")))
    entries.sort(key=lambda e: e["sort_order"])
    kept = [e for e in entries if e.get("has_img_google") and e["category"] != "Component"
            and os.path.exists(os.path.join(pkg, "img", "google", "64", e["image"]))]
    rng = np.random.default_rng(SEED)
    split = np.zeros(len(kept), np.uint8)
    split[rng.permutation(len(kept))[: len(kept) // 10]] = 1
    names = sorted({caption_of(e) for e, s in zip(kept, split) if s == 0 and e["category"] in SUBSET_CATEGORIES})
    with open(os.path.join(BUNDLE, "samples.txt")) as f:
        known = [line.strip() for line in f.readlines()[1:] if line.strip()]
    out = {
        "about": "Emoji names (Noto Emoji, emoji-datasource-google 16.0.0) of the categories the model trained on; "
                 "it saw 320 of them, picked to look unlike each other. 'known' are captions it is known to draw (samples.txt).",
        "known": known,
        "subjects": names,
    }
    with open(os.path.join(BUNDLE, "subjects.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"{len(names)} subjects, {len(known)} known")


if __name__ == "__main__":
    main()
