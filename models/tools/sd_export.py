"""Write a text encoder / UNet / VAE decoder triple in the public Stable Diffusion ONNX folder layout,
verify every model with onnxruntime-node against torch, and write the manifest."""
import json
import os
import shutil
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "train"))
from manifest import write_manifest  # noqa: E402
from ort_verify import verify  # noqa: E402
from sd_modules import MAX_LEN, ClampedDecoder  # noqa: E402

OPSET = 17

MODEL_INDEX = {
    "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.21.0",
    "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
    "scheduler": ["diffusers", "PNDMScheduler"], "text_encoder": ["diffusers", "OnnxRuntimeModel"],
    "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "OnnxRuntimeModel"],
    "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
}
# Same noise schedule as SD 1.5.
SCHEDULER = {
    "_class_name": "PNDMScheduler", "_diffusers_version": "0.21.0", "num_train_timesteps": 1000,
    "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "trained_betas": None,
    "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "clip_sample": False,
    "prediction_type": "epsilon", "timestep_spacing": "leading",
}
TOKENIZER_FILES = ["vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"]


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def latent_rgb_map(decoder, latents):
    """Least-squares 4x3 map + bias from (scaled) latents to the decoded image averaged to latent size."""
    with torch.no_grad():
        rgb = torch.nn.functional.adaptive_avg_pool2d(decoder(latents), latents.shape[-2:])
    x = latents.permute(0, 2, 3, 1).reshape(-1, 4).numpy()
    y = rgb.permute(0, 2, 3, 1).reshape(-1, 3).numpy()
    sol, *_ = np.linalg.lstsq(np.concatenate([x, np.ones((len(x), 1))], 1), y, rcond=None)
    return [[round(float(v), 5) for v in row] for row in sol[:4]], [round(float(v), 5) for v in sol[4]]


def export_sd(out_dir, text_encoder, unet, decoder, tokenizer_dir, scaling_factor, rgb_latents,
              float_timestep=False, id="", title="", license="", image_size=64, encoder=None):
    """decoder takes unscaled latents (the pipeline divides by scaling_factor before decoding, as SD).
    encoder (optional): image [B,3,H,W] in [-1,1] -> unscaled latent [B,4,H/8,W/8], exported as vae_encoder."""
    subs = ("text_encoder", "unet", "vae_decoder", "tokenizer", "scheduler") + (("vae_encoder",) if encoder else ())
    for sub in subs:
        os.makedirs(os.path.join(out_dir, sub), exist_ok=True)
    text_encoder.eval(), unet.eval(), decoder.eval()
    dim = text_encoder.tok.embedding_dim
    vocab = json.load(open(os.path.join(tokenizer_dir, "vocab.json")))
    assert text_encoder.tok.num_embeddings == len(vocab), "text encoder vocab != tokenizer vocab"
    for name in TOKENIZER_FILES:
        shutil.copy(os.path.join(tokenizer_dir, name), os.path.join(out_dir, "tokenizer", name))
    index = dict(MODEL_INDEX, **({"vae_encoder": ["diffusers", "OnnxRuntimeModel"]} if encoder else {}))
    dump(os.path.join(out_dir, "model_index.json"), index)
    dump(os.path.join(out_dir, "scheduler", "scheduler_config.json"), SCHEDULER)

    g = torch.Generator().manual_seed(0)
    bos, eos = vocab["<|startoftext|>"], vocab["<|endoftext|>"]
    ids = torch.full((2, MAX_LEN), eos, dtype=torch.int32)
    ids[:, 0] = bos
    ids[:, 1:4] = torch.randint(0, 512, (2, 3), generator=g, dtype=torch.int32)
    te_path = os.path.join(out_dir, "text_encoder", "model.onnx")
    torch.onnx.export(text_encoder, (ids,), te_path, input_names=["input_ids"],
                      output_names=["last_hidden_state", "pooler_output"], opset_version=OPSET,
                      dynamic_axes={"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"},
                                    "pooler_output": {0: "batch"}})
    with torch.no_grad():
        hidden, pooled = text_encoder(ids)
    verify(te_path, {"input_ids": ids.numpy()},
           {"last_hidden_state": hidden.numpy(), "pooler_output": pooled.numpy()})

    h = image_size // 8
    sample = torch.randn(2, 4, h, h, generator=g)
    timestep = torch.tensor(500.0) if float_timestep else torch.tensor([500], dtype=torch.int64)
    unet_path = os.path.join(out_dir, "unet", "model.onnx")
    torch.onnx.export(unet, (sample, timestep, hidden), unet_path,
                      input_names=["sample", "timestep", "encoder_hidden_states"], output_names=["out_sample"],
                      opset_version=OPSET,
                      dynamic_axes={"sample": {0: "batch", 2: "height", 3: "width"},
                                    # Free sequence length: prompts past 75 tokens arrive as
                                    # 77-token chunks concatenated along it (A1111, ComfyUI).
                                    "encoder_hidden_states": {0: "batch", 1: "sequence"},
                                    "out_sample": {0: "batch", 2: "height", 3: "width"}})
    two_chunks = torch.cat([hidden, hidden.flip(0)], dim=1)
    for hh, ww, ctx in ((h, h, hidden), (h + 2, h - 2, two_chunks)):  # the axes really are dynamic
        s = torch.randn(2, 4, hh, ww, generator=g)
        with torch.no_grad():
            out = unet(s, timestep, ctx)
        verify(unet_path, {"sample": s.numpy(), "timestep": timestep.numpy(), "encoder_hidden_states": ctx.numpy()},
               {"out_sample": out.numpy()})

    dec = ClampedDecoder(decoder).eval()
    dec_path = os.path.join(out_dir, "vae_decoder", "model.onnx")
    torch.onnx.export(dec, (sample[:1],), dec_path, input_names=["latent_sample"], output_names=["sample"],
                      opset_version=OPSET,
                      # The image is 8x the latent: its axes get their own names, or runtimes that trust
                      # equal names (onnxruntime-web's WebGPU buffer reuse) treat them as equal sizes.
                      dynamic_axes={"latent_sample": {0: "batch", 2: "height", 3: "width"},
                                    "sample": {0: "batch", 2: "image_height", 3: "image_width"}})
    with torch.no_grad():
        img = dec(sample)
    verify(dec_path, {"latent_sample": sample.numpy()}, {"sample": img.numpy()})

    files = [("text_encoder", "text_encoder/model.onnx"), ("unet", "unet/model.onnx"),
             ("vae_decoder", "vae_decoder/model.onnx")]
    if encoder:
        encoder.eval()
        enc_path = os.path.join(out_dir, "vae_encoder", "model.onnx")
        image = torch.rand(1, 3, image_size, image_size, generator=g) * 2 - 1
        torch.onnx.export(encoder, (image,), enc_path, input_names=["sample"], output_names=["latent_sample"],
                          opset_version=OPSET,
                          dynamic_axes={"sample": {0: "batch", 2: "image_height", 3: "image_width"},
                                        "latent_sample": {0: "batch", 2: "height", 3: "width"}})
        for hh, ww in ((image_size, image_size), (image_size + 16, image_size - 16)):
            x = torch.rand(2, 3, hh, ww, generator=g) * 2 - 1
            with torch.no_grad():
                verify(enc_path, {"sample": x.numpy()}, {"latent_sample": encoder(x).numpy()})
        dump(os.path.join(out_dir, "vae_encoder", "config.json"), {
            "_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": 4,
            "sample_size": image_size, "scaling_factor": scaling_factor})
        files.append(("vae_encoder", "vae_encoder/model.onnx"))

    dump(os.path.join(out_dir, "vae_decoder", "config.json"), {
        "_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": 4,
        "sample_size": image_size, "scaling_factor": scaling_factor})
    dump(os.path.join(out_dir, "unet", "config.json"), {
        "in_channels": 4, "out_channels": 4, "sample_size": h, "cross_attention_dim": dim,
        "timestep_dtype": "float32 scalar" if float_timestep else "int64 [1]"})

    # Previews: the map works on latents as the UNet sees them (scaled), giving RGB in [-1, 1].
    rgb_map, rgb_bias = latent_rgb_map(lambda z: dec(z / scaling_factor), rgb_latents)
    return write_manifest(
        out_dir, id, title, "stable-diffusion",
        files + [("tokenizer_vocab", "tokenizer/vocab.json"), ("tokenizer_merges", "tokenizer/merges.txt")],
        license=license,
        latent={"channels": 4, "downscale": 8, "scalingFactor": scaling_factor, "rgbMap": rgb_map, "rgbBias": rgb_bias},
        image={"width": image_size, "height": image_size},
        conditioning={"maxLength": MAX_LEN, "hiddenSize": dim})
