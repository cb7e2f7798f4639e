#!/usr/bin/env bash
# Fetch raw training data into models/.cache/raw (pinned versions, so a fresh machine gets the same bytes).
#  - emoji-datasource-google 16.0.0 (npm): Noto Emoji 64px PNGs (Apache-2.0) + emoji.json names (MIT)
#  - ukui-wallpapers 20.04.3-1.1, lomiri-wallpapers-20.04 20.04.0-2 (Debian bookworm): photographs and art
#  - lomiri-wallpapers-16.04 20.04.0-2, mate-backgrounds 1.26.0-1 (nature folder): photographs
#  - python3-skimage 0.19.3 sample photos (already installed with scikit-image; BSD-3 / CC0 / public domain)
set -euo pipefail
cd "$(dirname "$0")/.."
RAW=.cache/raw
mkdir -p "$RAW"

EMOJI_PKG=emoji-datasource-google@16.0.0
if [ ! -d "$RAW/emoji" ]; then
  (cd "$RAW" && npm pack "$EMOJI_PKG" --silent >/dev/null)
  mkdir -p "$RAW/emoji" && tar -xzf "$RAW"/emoji-datasource-google-16.0.0.tgz -C "$RAW/emoji"
fi

for deb in ukui-wallpapers=20.04.3-1.1 lomiri-wallpapers-20.04=20.04.0-2 \
           lomiri-wallpapers-16.04=20.04.0-2 mate-backgrounds=1.26.0-1; do
  name=${deb%%=*}
  if [ ! -d "$RAW/$name" ]; then
    (cd "$RAW" && apt-get download "$deb")
    dpkg -x "$RAW/${name}"_*.deb "$RAW/$name"
  fi
done
echo "raw data in models/$RAW"
