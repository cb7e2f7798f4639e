"""Encode captions to [77] ids the way the app's CLIP tokenizer does (shared reference implementation),
padded with the tokenizer's pad token."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "reference"))
from clip_tokenizer_ref import SimpleTokenizer  # noqa: E402


class ClipTokenizer:
    def __init__(self, folder, max_length=77):
        self.tok = SimpleTokenizer(os.path.join(folder, "merges.txt"), os.path.join(folder, "vocab.json"))
        pad = json.load(open(os.path.join(folder, "special_tokens_map.json")))["pad_token"]
        self.pad_id = self.tok.encoder[pad]
        self.max_length = max_length

    def __call__(self, text):
        ids = self.tok.tokenize(text, self.max_length)
        return ids + [self.pad_id] * (self.max_length - len(ids))
