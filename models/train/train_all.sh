#!/usr/bin/env bash
# Reproduce every bundled model: fetch data, prepare it, train (one job at a time, one CPU thread each
# except SR and GAN on two, as the bundled models were trained; resumable: rerunning continues from
# models/.cache/ckpt), evaluate, export to models/bundle/.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}   # Debian's python3 with python3-torch, python3-onnx, python3-skimage
LOGS=../.cache/logs
mkdir -p "$LOGS"
run() { echo "== $*"; "$PY" "$@" 2>&1 | tee "$LOGS/$(basename "$1" .py).log"; }

bash fetch_data.sh
run prepare_data.py
"$PY" bpe.py ../.cache/data/captions.txt --merges 1000 --out ../.cache/tokenizer
TRAIN_THREADS=2 run train_sr.py
run train_vae.py
run train_diffusion.py
TRAIN_THREADS=2 run train_gan.py
run eval_diffusion.py
run eval_gan.py
run export.py
echo "figures: models/.cache/results.json; models: models/bundle/"
