#!/usr/bin/env bash
# Reproduce the bundled models v2: fetch the data, prepare it, learn the tokenizer, train the evaluator
# (classifier), the VAE (128 px, encoder + decoder), the text encoder, the UNet and the latent GAN, one job at a
# time on one CPU thread each (nice 10), then evaluate.
# Resumable: everything lives in $LOOM_TRAIN_CACHE (default ~/.cache/latent-loom-train); a finished stage
# leaves done/<stage> and is skipped, an interrupted one continues from its checkpoint in ckpt/.
# Logs: $LOOM_TRAIN_CACHE/logs/<stage>.log. Step counts: CLASSIFIER_STEPS, VAE_STEPS, TEXT_ENCODER_STEPS, DIFFUSION_STEPS,
# LATENT_GAN_STEPS, GAN_STEPS, COND_GAN_STEPS. The super-resolution model (unchanged from v1) is retrained only with
# TRAIN_SR=1, the pixel GAN and the class-conditional latent GAN (not bundled) only with TRAIN_PIXEL_GAN=1 and TRAIN_COND_GAN=1.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}   # Debian's python3 with python3-torch, python3-onnx, python3-skimage
export LOOM_TRAIN_CACHE=${LOOM_TRAIN_CACHE:-$HOME/.cache/latent-loom-train}
export TRAIN_THREADS=${TRAIN_THREADS:-1}
# OpenBLAS (Debian's torch) otherwise starts its own thread per core, and the training thread then
# spins in sched_yield waiting for it whenever another job holds that core (60% of its time in the kernel)
export OPENBLAS_NUM_THREADS=$TRAIN_THREADS OMP_NUM_THREADS=$TRAIN_THREADS
CACHE=$LOOM_TRAIN_CACHE
mkdir -p "$CACHE/logs" "$CACHE/done"

stage() {  # stage NAME COMMAND...: run once; skipped when done/NAME exists
  local name=$1; shift
  if [ -f "$CACHE/done/$name" ]; then echo "== $name: done"; return; fi
  echo "== $name: $* ($(date -u +%H:%M:%S))"
  nice -n 10 "$@" >> "$CACHE/logs/$name.log" 2>&1 || { echo "$name failed, see $CACHE/logs/$name.log"; exit 1; }
  date -u +%FT%TZ > "$CACHE/done/$name"
}

main() {  # the whole run is parsed before it starts, so editing this file mid-run is safe
  FETCH_PHOTOS=${TRAIN_SR:-0} stage fetch bash fetch_data.sh
  stage prepare_emoji "$PY" prepare_emoji.py
  stage tokenizer "$PY" bpe.py "$CACHE/data/captions.txt" --merges 2000 --out "$CACHE/tokenizer"
  stage classifier "$PY" train_classifier.py --steps "${CLASSIFIER_STEPS:-2000}"
  stage export_classifier "$PY" export_classifier.py
  stage vae "$PY" train_vae.py --steps "${VAE_STEPS:-4000}"
  stage text_encoder "$PY" train_text_encoder.py --steps "${TEXT_ENCODER_STEPS:-3000}"
  stage diffusion "$PY" train_diffusion.py --steps "${DIFFUSION_STEPS:-20000}"
  # then 14000 steps more in four learning-rate phases: restarted at a quarter of the peak (cosine to
  # 30000), dropped to about a fifteenth and annealed to 0 at 24500, restarted low and annealed again
  # (cosine to 29000, stopped at 28000), and once more (cosine to 36000, stopped at 34000) with half the
  # captions drawn from the emoji's plain names. The bundled UNet is step 34000.
  if [ -z "${DIFFUSION_STEPS:-}" ]; then
    stage diffusion_more1 "$PY" train_diffusion.py --steps 30000 --stop-at 20835
    stage diffusion_more2 "$PY" train_diffusion.py --steps 24500
    stage diffusion_more3 "$PY" train_diffusion.py --steps 29000 --stop-at 28000
    stage diffusion_more4 "$PY" train_diffusion.py --steps 36000 --stop-at 34000 --plain-p 0.5
  fi
  stage eval_diffusion "$PY" eval_diffusion.py
  # the bundled GAN: latents of the VAE above, decoded by its frozen decoder (about 2 h on one thread)
  stage latent_gan "$PY" train_latent_gan.py --steps "${LATENT_GAN_STEPS:-24000}"
  stage eval_latent_gan "$PY" eval_gan.py --model latent_gan
  stage export "$PY" export.py   # into $LOOM_TRAIN_CACHE/export; `export.py --out ../bundle` to bundle
  if [ "${TRAIN_PIXEL_GAN:-0}" = 1 ]; then  # the 64 px pixel GAN: not bundled, see models/README.md (3-9 h)
    stage gan "$PY" train_gan.py --steps "${GAN_STEPS:-10000}"
    stage eval_gan "$PY" eval_gan.py
  fi
  if [ "${TRAIN_COND_GAN:-0}" = 1 ]; then  # the class-conditional latent GAN: not bundled, see models/README.md (about 65 min)
    stage cond_gan "$PY" train_cond_gan.py --steps "${COND_GAN_STEPS:-14000}"
    stage eval_cond_gan "$PY" eval_gan.py --model cond_gan --psi 0.5
  fi
  if [ "${TRAIN_SR:-0}" = 1 ]; then
    stage prepare_photos "$PY" prepare_data.py
    TRAIN_THREADS=2 OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 stage sr "$PY" train_sr.py
  fi
  echo "figures: $CACHE/results.json"
}
main "$@"; exit
