"""Multi-style emoji data set: the same emoji drawn by six permissively licensed sets, 128x128 RGB on white.

Reads the raw packages (fetch_data.sh), renders every set's SVG with sharp (render_icons.mjs), aligns
the sets by emoji code point sequence (Iconify's chars.json; EmojiOne 2, which has none, by icon name),
builds captions from the CLDR label, emoji-datasource short names and CLDR keywords, and holds out
one style of every emoji (fixed seed) for the classifier's test.

Writes to $LOOM_TRAIN_CACHE/data:
  emoji128.npz   images uint8 [M,128,128,3], emoji int32 [M] (index into meta's emoji list),
                 style int32 [M] (index into meta's styles), split uint8 [M] (0 train, 1 held out)
  emoji128.json  {"styles": [...], "style_phrases": {...}, "emoji": [{"hex", "char", "label", "group",
                 "plain": [bare captions], "keywords": [...], "captions": [all captions, no style]}],
                 "subjects": {bare plain caption: [emoji indices]}}
  captions.txt   every caption with and without style phrases (tokenizer corpus)
  png/<style>/<hex>.png   the rendered images (cache for re-runs)
"""
import json
import os
import re
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SIZE = 128
SEED = 1234
# CLDR groups kept: smileys & emotion, animals & nature, food & drink, travel & places, activities,
# objects. People (hundreds of skin-tone, gender and job variants), symbols and flags are left out.
GROUPS = {0: "smileys-emotion", 3: "animals-nature", 4: "food-drink", 5: "travel-places", 6: "activities", 7: "objects"}
MIN_STYLES = 4  # an emoji must be drawn by at least this many sets
# Set folder (under raw/), and the phrases a caption may carry to ask for that set's look.
STYLES = {
    "noto": ("iconify-json-noto-1.2.9", ["in noto style", "glossy cartoon"]),
    "twemoji": ("iconify-json-twemoji-1.2.5", ["in twemoji style", "simple flat"]),
    "openmoji": ("iconify-json-openmoji-1.2.29", ["in openmoji style", "outlined", "line art"]),
    "fluent-flat": ("iconify-json-fluent-emoji-flat-1.2.6", ["in flat style", "flat"]),
    "fluent": ("iconify-json-fluent-emoji-1.2.7", ["3d", "in 3d style"]),
    "emojione": ("iconify-json-emojione-1.2.3", ["in emojione style", "shaded"]),
}


def norm_hex(h):
    return "-".join(p for p in h.lower().split("-") if p != "fe0f")


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def clean(text):
    text = text.lower().replace("\u2019", "'").replace("_", " ").replace(":", "")
    return " ".join(text.split())


def with_article(bare):
    if bare.endswith("s") and not bare.endswith(("ss", "us")):
        return bare  # plural or mass noun: "sunglasses", "french fries"
    return ("an " if bare[0] in "aeiou" else "a ") + bare


def bare(caption):
    """A caption without its leading article: the key of meta["subjects"]."""
    for a in ("a ", "an "):
        if caption.startswith(a):
            return caption[len(a):]
    return caption


def plain_captions(meta):
    """Every emoji's names and short names, with and without an article, sorted."""
    return sorted({c for e in meta["emoji"] for b in e["plain"] for c in (b, with_article(b))})


def package(folder):
    return os.path.join(common.RAW, folder, "package")


def load_sets():
    """style -> {normalised hex: icon name}."""
    out, name_to_hex = {}, {}
    for style, (folder, _) in STYLES.items():
        chars_path = os.path.join(package(folder), "chars.json")
        chars = json.load(open(chars_path)) if os.path.exists(chars_path) else {}
        out[style] = {norm_hex(h): name for h, name in chars.items()}
        for h, name in chars.items():
            name_to_hex.setdefault(name, norm_hex(h))
    for style, (folder, _) in STYLES.items():
        if out[style]:
            continue  # EmojiOne 2: no chars.json; its icon names are the CLDR names as slugs
        icons = json.load(open(os.path.join(package(folder), "icons.json")))
        for name in list(icons["icons"]) + list(icons.get("aliases", {})):
            if name in name_to_hex:
                out[style].setdefault(name_to_hex[name], name)
    return out


def build_emoji(sets):
    base = json.load(open(os.path.join(package("emojibase-data-17.0.0"), "en", "data.json")))
    datasource = json.load(open(os.path.join(package("emoji-datasource-google-16.0.0"), "emoji.json")))
    shorts = {norm_hex(e["unified"]): e["short_names"] for e in datasource}
    label_slug = {}
    emoji = []
    for e in sorted(base, key=lambda e: e.get("order", 1e9)):
        if e.get("group") not in GROUPS:
            continue
        h = norm_hex(e["hexcode"])
        label_slug[slug(e["label"])] = h
        styles = [s for s in STYLES if h in sets[s]]
        if len(styles) < MIN_STYLES:
            # EmojiOne names sometimes match the label but not another set's name
            if "emojione" not in styles and slug(e["label"]) in json_icon_names("emojione"):
                sets["emojione"][h] = slug(e["label"])
                styles = [s for s in STYLES if h in sets[s]]
            if len(styles) < MIN_STYLES:
                continue
        label = clean(e["label"])
        bare = [label]
        for s in shorts.get(h, []):
            s = clean(re.sub(r"\d+$", "", s))
            if s and s not in bare and not s.startswith("flag"):
                bare.append(s)
        words = set(" ".join(bare).split())
        keywords = [clean(t) for t in e.get("tags", [])
                    if clean(t) not in words and clean(t).rstrip("s") not in words and len(t) > 2]
        plain = bare + [with_article(b) for b in bare if with_article(b) != b]
        captions = list(plain)
        noun = min(bare, key=len)
        for k in keywords[:6]:
            captions.append(f"{with_article(k + ' ' + noun) if ' ' not in k else k + ' ' + noun}")
            captions.append(f"{label}, {k}")
        if len(keywords) >= 2:
            captions.append(f"{noun}, {', '.join(keywords[:3])}")
        emoji.append(dict(hex=h, char=e["emoji"], label=label, group=GROUPS[e["group"]], plain=bare,
                          keywords=keywords, captions=list(dict.fromkeys(captions)), styles=styles))
    return emoji


_icon_names = {}


def json_icon_names(style):
    if style not in _icon_names:
        icons = json.load(open(os.path.join(package(STYLES[style][0]), "icons.json")))
        _icon_names[style] = set(icons["icons"]) | set(icons.get("aliases", {}))
    return _icon_names[style]


def render(emoji, sets):
    png = os.path.join(common.DATA, "png")
    jobs = [dict(set=package(STYLES[s][0]), icon=sets[s][e["hex"]], out=os.path.join(png, s, e["hex"] + ".png"))
            for e in emoji for s in e["styles"]]
    path = os.path.join(common.DATA, "render_jobs.json")
    json.dump(jobs, open(path, "w"))
    subprocess.run(["node", os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_icons.mjs"), path,
                    str(SIZE)], check=True)
    return png


def main():
    os.makedirs(common.DATA, exist_ok=True)
    sets = load_sets()
    emoji = build_emoji(sets)
    png = render(emoji, sets)
    rng = np.random.default_rng(SEED)
    images, idx, style, split = [], [], [], []
    names = list(STYLES)
    for i, e in enumerate(emoji):
        held = e["styles"][rng.integers(len(e["styles"]))]
        for s in e["styles"]:
            images.append(np.asarray(Image.open(os.path.join(png, s, e["hex"] + ".png")).convert("RGB")))
            idx.append(i)
            style.append(names.index(s))
            split.append(1 if s == held else 0)
    subjects = {}
    for i, e in enumerate(emoji):
        for b in e["plain"]:
            subjects.setdefault(b, []).append(i)
    tmp = os.path.join(common.DATA, "emoji128.tmp.npz")
    np.savez(tmp, images=np.stack(images), emoji=np.array(idx, np.int32), style=np.array(style, np.int32),
             split=np.array(split, np.uint8))
    os.replace(tmp, os.path.join(common.DATA, "emoji128.npz"))
    meta = dict(styles=names, style_phrases={s: STYLES[s][1] for s in names}, emoji=emoji, subjects=subjects)
    json.dump(meta, open(os.path.join(common.DATA, "emoji128.json"), "w"), indent=1, ensure_ascii=False)
    with open(os.path.join(common.DATA, "captions.txt"), "w") as f:
        for e in emoji:
            for c in e["captions"]:
                f.write(c + "\n")
                for s in e["styles"]:
                    f.write(f"{c} {STYLES[s][1][0]}\n" if STYLES[s][1][0].startswith("in ") else f"{c}, {STYLES[s][1][0]}\n")
            for s in names:
                for p in STYLES[s][1]:
                    f.write(f"{e['plain'][0]}, {p}\n")
    counts = {s: int((np.array(style) == k).sum()) for k, s in enumerate(names)}
    print(f"{len(emoji)} emoji, {len(images)} images ({int(np.sum(split))} held out), per style {counts}")
    print(f"{sum(len(e['captions']) for e in emoji)} captions; {len(subjects)} plain subjects")


if __name__ == "__main__":
    main()
