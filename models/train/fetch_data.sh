#!/usr/bin/env bash
# Fetch raw training data into $LOOM_TRAIN_CACHE/raw (default ~/.cache/latent-loom-train/raw), pinned
# versions so a fresh machine gets the same bytes. Licences: see models/README.md (Data).
#  Emoji (npm, via `npm pack NAME@VERSION`):
#   emoji-datasource-google 16.0.0   emoji.json names and short names (MIT); its Noto PNGs are not used
#   emojibase-data 17.0.0            CLDR labels, keywords (tags) and groups, English (MIT)
#   @iconify-json/noto 1.2.9         Noto Emoji SVG (Apache-2.0)
#   @iconify-json/twemoji 1.2.5      Twemoji SVG (CC-BY-4.0)
#   @iconify-json/openmoji 1.2.29    OpenMoji SVG (CC-BY-SA-4.0)
#   @iconify-json/fluent-emoji-flat 1.2.6   Fluent Emoji flat SVG (MIT)
#   @iconify-json/fluent-emoji 1.2.7        Fluent Emoji colour SVG (MIT)
#   @iconify-json/emojione 1.2.3     EmojiOne 2.3 colour SVG (CC-BY-4.0)
#  Photographs for super-resolution (Debian bookworm, `apt-get download`):
#   ukui-wallpapers 20.04.3-1.1, lomiri-wallpapers-20.04 20.04.0-2, lomiri-wallpapers-16.04 20.04.0-2,
#   mate-backgrounds 1.26.0-1 (nature folder); python3-skimage 0.19.3 sample photos (installed)
set -euo pipefail
CACHE=${LOOM_TRAIN_CACHE:-$HOME/.cache/latent-loom-train}
RAW=$CACHE/raw
mkdir -p "$RAW"

NPM_PACKAGES="emoji-datasource-google@16.0.0 emojibase-data@17.0.0 @iconify-json/noto@1.2.9
  @iconify-json/twemoji@1.2.5 @iconify-json/openmoji@1.2.29 @iconify-json/fluent-emoji-flat@1.2.6
  @iconify-json/fluent-emoji@1.2.7 @iconify-json/emojione@1.2.3"
for spec in $NPM_PACKAGES; do
  name=${spec%@*}; version=${spec##*@}
  dir=$(echo "$name" | sed 's|^@||; s|/|-|')-$version   # @iconify-json/noto -> iconify-json-noto-1.2.9
  if [ ! -d "$RAW/$dir/package" ]; then
    [ -f "$RAW/$dir.tgz" ] || (cd "$RAW" && npm pack "$spec" --silent >/dev/null)
    mkdir -p "$RAW/$dir.part" && tar -xzf "$RAW/$dir.tgz" -C "$RAW/$dir.part" && mv "$RAW/$dir.part" "$RAW/$dir"
  fi
done

if [ "${FETCH_PHOTOS:-1}" = 1 ]; then
  for deb in ukui-wallpapers=20.04.3-1.1 lomiri-wallpapers-20.04=20.04.0-2 \
             lomiri-wallpapers-16.04=20.04.0-2 mate-backgrounds=1.26.0-1; do
    name=${deb%%=*}
    if [ ! -d "$RAW/$name" ]; then
      (cd "$RAW" && apt-get download "$deb")
      dpkg -x "$RAW/${name}"_*.deb "$RAW/$name"
    fi
  done
fi
echo "raw data in $RAW"
