"""Write latent-loom/model manifests: file hashes and sizes are computed here so they never drift."""
import hashlib
import json
import os


def file_entry(folder, role, path):
    full = os.path.join(folder, path)
    with open(full, "rb") as f:
        data = f.read()
    return {"role": role, "path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def write_manifest(folder, id, title, kind, files, license, source="bundled", **extra):
    """files: list of (role, relative path). extra: latent=..., image=..., upscaler=..., gan=..., conditioning=..."""
    manifest = {
        "format": "latent-loom/model",
        "version": 1,
        "id": id,
        "title": title,
        "kind": kind,
        "license": license,
        "source": source,
        "files": [file_entry(folder, role, path) for role, path in files],
    }
    manifest.update({k: v for k, v in extra.items() if v is not None})
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest
