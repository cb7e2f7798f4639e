"""Turn the raw downloads (fetch_data.sh) into training arrays under models/.cache/data.

emoji.npz   images uint8 [N,64,64,3] (Noto emoji composited on white), captions, categories,
            split (0 train / 1 held-out, fixed seed, 10%), subset (1 = curated diffusion subset)
captions.txt  training captions, one per line (tokenizer corpus)
photos/{train,test}/*.png  images for super-resolution, large ones downscaled 2x with antialiasing
            (reduces JPEG noise); the held-out split is 8 whole photographs
"""
import glob
import json
import os
import shutil

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".cache")
RAW, OUT = os.path.join(ROOT, "raw"), os.path.join(ROOT, "data")
SEED = 1234
# Categories whose emoji are mostly distinct objects; flags, symbols, people and hands are many
# near-identical variants that pixel retrieval cannot tell apart.
SUBSET_CATEGORIES = {"Smileys & Emotion", "Animals & Nature", "Food & Drink", "Travel & Places",
                     "Objects", "Activities"}
SUBSET_SIZE = 320


def caption_of(entry):
    name = (entry.get("name") or entry["short_name"].replace("_", " ")).lower()
    return " ".join(name.replace("-", " ").split())


def load_emoji():
    pkg = os.path.join(RAW, "emoji", "package")
    entries = json.load(open(os.path.join(pkg, "emoji.json")))
    entries.sort(key=lambda e: e["sort_order"])
    images, captions, categories = [], [], []
    for e in entries:
        path = os.path.join(pkg, "img", "google", "64", e["image"])
        if not e.get("has_img_google") or not os.path.exists(path) or e["category"] == "Component":
            continue
        rgba = Image.open(path).convert("RGBA").resize((64, 64), Image.LANCZOS)
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        images.append(np.asarray(Image.alpha_composite(white, rgba).convert("RGB")))
        captions.append(caption_of(e))
        categories.append(e["category"])
    return np.stack(images), captions, categories


def curated_subset(images, categories, split):
    """Greedy pick, in a fixed random order, of emoji far (in pixels) from everything picked so far."""
    rng = np.random.default_rng(SEED)
    cand = [i for i in rng.permutation(len(images)) if split[i] == 0 and categories[i] in SUBSET_CATEGORIES]
    flat = images.reshape(len(images), -1).astype(np.float32) / 255
    picked = []
    threshold = 0.20  # RMS pixel distance; lowered until enough emoji pass
    while len(picked) < SUBSET_SIZE and threshold > 0:
        for i in cand:
            if len(picked) >= SUBSET_SIZE or i in picked:
                continue
            if not picked or np.sqrt(((flat[picked] - flat[i]) ** 2).mean(1)).min() > threshold:
                picked.append(i)
        threshold -= 0.02
    mask = np.zeros(len(images), np.uint8)
    mask[picked] = 1
    return mask


def prepare_emoji():
    images, captions, categories = load_emoji()
    rng = np.random.default_rng(SEED)
    split = np.zeros(len(images), np.uint8)
    split[rng.permutation(len(images))[: len(images) // 10]] = 1
    subset = curated_subset(images, categories, split)
    np.savez_compressed(os.path.join(OUT, "emoji.npz"), images=images, captions=np.array(captions),
                        categories=np.array(categories), split=split, subset=subset)
    with open(os.path.join(OUT, "captions.txt"), "w") as f:
        f.write("\n".join(c for c, s in zip(captions, split) if s == 0) + "\n")
    print(f"emoji: {len(images)} images, {int(split.sum())} held out, {int(subset.sum())} in subset")


# Photographs only (no illustrations or renders): the held-out set is drawn from these.
PHOTO_PACKAGES = {"lomiri-wallpapers-16.04": "usr/share/backgrounds/*.jpg",
                  "mate-backgrounds": "usr/share/backgrounds/mate/nature/*.jpg"}
NOT_PHOTOS = {"Aqua.jpg"}  # an abstract render in MATE's nature folder
HELD_OUT = 8


def photo_paths():
    """(photographs, other images): skimage samples and photo wallpapers, then mixed wallpapers."""
    import skimage.data
    sk = os.path.dirname(skimage.data.__file__)
    names = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg"]
    photos = [os.path.join(sk, n) for n in names if os.path.exists(os.path.join(sk, n))]
    for pkg, pattern in PHOTO_PACKAGES.items():
        photos += [p for p in sorted(glob.glob(os.path.join(RAW, pkg, pattern))) if os.path.basename(p) not in NOT_PHOTOS]
    other = []
    for pkg in ("ukui-wallpapers", "lomiri-wallpapers-20.04"):
        other += sorted(glob.glob(os.path.join(RAW, pkg, "usr/share/backgrounds/*")))
    return photos, other


def prepare_photos():
    photos, other = photo_paths()
    rng = np.random.default_rng(SEED)
    held = {photos[i] for i in rng.permutation(len(photos))[:HELD_OUT]}
    for split in ("train", "test"):
        shutil.rmtree(os.path.join(OUT, "photos", split), ignore_errors=True)
        os.makedirs(os.path.join(OUT, "photos", split))
    for p in photos + other:
        im = Image.open(p).convert("RGB")
        if max(im.size) > 1024:  # wallpapers: downscale 2x, then at most 1600 px on the long side
            im = im.resize((im.width // 2, im.height // 2), Image.LANCZOS)
            if max(im.size) > 1600:
                im.thumbnail((1600, 1600), Image.LANCZOS)
        name = os.path.splitext(os.path.basename(p))[0] + ".png"
        im.save(os.path.join(OUT, "photos", "test" if p in held else "train", name))
    print(f"photos: {len(photos) + len(other)} images, held out: {sorted(os.path.basename(p) for p in held)}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    prepare_photos()
    prepare_emoji()
    with open(os.path.join(OUT, "version"), "w") as f:  # read by models/eval: bump when the data changes
        f.write("2\n")
