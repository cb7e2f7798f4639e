"""Turn the raw photo downloads (fetch_data.sh) into super-resolution data under $LOOM_TRAIN_CACHE/data
(the emoji data is made by prepare_emoji.py).

photos/{train,test}/*.png  images for super-resolution, large ones downscaled 2x with antialiasing
            (reduces JPEG noise); the held-out split is 8 whole photographs
"""
import glob
import os
import shutil

import numpy as np
from PIL import Image

import common

RAW, OUT = common.RAW, common.DATA
SEED = 1234
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
    with open(os.path.join(OUT, "version"), "w") as f:  # read by models/eval: bump when the data changes
        f.write("2\n")
