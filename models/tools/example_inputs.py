"""Put the pictures the image-to-image examples start from into their graphs, at the bundled
loom-emoji-sd's size (128x128), as Load Image data: URLs.

- graphs/img2img.json, node `image`: Twemoji's red apple (CC-BY-4.0, Twitter / jdecked), as
  train/prepare_emoji.py rendered it; Twemoji is the style of the red apple the training held out, so
  the model starts from a drawing of it that it never saw.
- graphs/inpaint-photo.json, node `photo`: a small drawn scene (sky, grass, a red apple, the sun),
  drawn here so it needs no data at all.

    /usr/bin/python3 models/tools/example_inputs.py    # needs $LOOM_TRAIN_CACHE/data/png (prepare_emoji.py)
"""
import base64
import io
import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "train"))
SIZE = 128


def scene(size=SIZE):
    """Sky fading toward the horizon, grass below 70%, a red apple with a stem on it, the sun top right."""
    s = size / 64  # drawn in a 64-unit frame
    sky_top, sky_low = np.array([112, 169, 220]), np.array([184, 214, 214])
    t = np.linspace(0, 1, size)[:, None, None]
    img = np.broadcast_to(sky_top + (sky_low - sky_top) * t, (size, size, 3)).copy()
    img[int(45 * s):] = [106, 168, 79]
    im = Image.fromarray(img.round().astype(np.uint8))
    d = ImageDraw.Draw(im)
    d.ellipse([10 * s, 24 * s, 34 * s, 48 * s], fill=(204, 0, 0))
    d.rectangle([21 * s, 20 * s, 23 * s - 1, 26 * s], fill=(120, 63, 4))
    d.ellipse([44 * s, 6 * s, 56 * s, 18 * s], fill=(255, 217, 102))
    return im


def twemoji_apple():
    import common
    return Image.open(os.path.join(common.DATA, "png", "twemoji", "1f34e.png")).convert("RGB")


def data_url(im, name):
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=True)
    return f"data:image/png;name={name};base64,{base64.b64encode(buf.getvalue()).decode()}"


def put(graph, node_id, url):
    path = os.path.join(ROOT, "graphs", graph)
    doc = json.load(open(path, encoding="utf-8"))
    node = next(n for n in doc["nodes"] if n["id"] == node_id)
    node["params"]["image"] = url
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    apple = twemoji_apple()
    assert apple.size == (SIZE, SIZE), apple.size
    put("img2img.json", "image", data_url(apple, "red-apple-twemoji.png"))
    put("inpaint-photo.json", "photo", data_url(scene(), "apple-photo.png"))


if __name__ == "__main__":
    main()
