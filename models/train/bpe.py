#!/usr/bin/env python3
"""Learn a byte-level BPE vocabulary in OpenAI CLIP's format.

Usage:
    python3 models/train/bpe.py CORPUS.txt [CORPUS2.txt ...] --merges N --out DIR
        [--pad-token TOKEN] [--max-length 77]

Input: one or more UTF-8 text files (captions, one per line, or any prose).
Output, written to DIR (created if missing):
    vocab.json               {token: id}; ids are, in order: the 256 byte characters of CLIP's
                             byte-to-unicode map, the same 256 characters + "</w>", one token per
                             merge (the two halves concatenated), then "<|startoftext|>" and
                             "<|endoftext|>". Size = 512 + merges + 2.
    merges.txt               "#version: 0.2" header line, then one "left right" merge per line,
                             highest priority first.
    tokenizer_config.json    Hugging Face CLIPTokenizer config (pad token, model_max_length).
    special_tokens_map.json  bos/eos/unk/pad tokens.

Text is pre-processed like CLIP's simple_tokenizer: html-unescaped twice, whitespace collapsed,
stripped, lower-cased, then split with CLIP's regex; each piece is mapped byte-wise to unicode and
its last symbol gets "</w>". ftfy.fix_text is not applied (it is not packaged for Debian); it only
repairs mojibake, which clean corpora do not contain.

Training is deterministic: at each step the most frequent adjacent pair is merged; ties go to the
lexicographically smallest (left, right) pair. A pair whose concatenation already exists as a token
is never merged, so every merge adds exactly one id. Training stops early (with a note on stderr)
when no pair is left.

--pad-token defaults to "<|endoftext|>" (SD 1.x); use "!" for SD 2.x / SD-Turbo style padding.
Needs python3-regex for the \\p{L} / \\p{N} classes; falls back to an approximation with `re`.
"""
import argparse
import heapq
import html
import json
import os
import sys
from collections import Counter

try:
    import regex as re_mod
    PATTERN = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""
except ImportError:  # approximation: letters = word chars minus digits and underscore
    import re as re_mod
    PATTERN = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_+"""

START, END = '<|startoftext|>', '<|endoftext|>'


def bytes_to_unicode():
    """CLIP/GPT-2 map from every byte to a printable unicode character."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + \
        list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def basic_clean(text):
    text = html.unescape(html.unescape(text))
    return ' '.join(text.split()).strip().lower()


def count_words(paths):
    pat = re_mod.compile(PATTERN, re_mod.IGNORECASE)
    byte_enc = bytes_to_unicode()
    counts = Counter()
    for path in paths:
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                for piece in pat.findall(basic_clean(line)):
                    if piece in (START, END):
                        continue
                    chars = [byte_enc[b] for b in piece.encode('utf-8')]
                    chars[-1] += '</w>'
                    counts[tuple(chars)] += 1
    return counts


def train(word_counts, num_merges):
    words = [list(w) for w in word_counts]
    freqs = list(word_counts.values())
    pair_count = Counter()
    pair_words = {}
    for i, w in enumerate(words):
        for p in zip(w, w[1:]):
            pair_count[p] += freqs[i]
            pair_words.setdefault(p, set()).add(i)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)

    byte_enc = bytes_to_unicode()
    known = set(byte_enc.values()) | {c + '</w>' for c in byte_enc.values()}
    merges = []
    while len(merges) < num_merges and heap:
        neg, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -neg or neg == 0:
            continue  # stale heap entry
        new_tok = pair[0] + pair[1]
        if new_tok in known:
            continue
        merges.append(pair)
        known.add(new_tok)
        touched = set()
        for i in pair_words.pop(pair, ()):
            w, f = words[i], freqs[i]
            for p in zip(w, w[1:]):
                pair_count[p] -= f
                touched.add(p)
            out, j = [], 0
            while j < len(w):
                if j + 1 < len(w) and w[j] == pair[0] and w[j + 1] == pair[1]:
                    out.append(new_tok)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for p in zip(out, out[1:]):
                pair_count[p] += f
                touched.add(p)
                pair_words.setdefault(p, set()).add(i)
        pair_count.pop(pair, None)
        for p in touched:
            c = pair_count.get(p, 0)
            if c > 0 and p != pair:
                heapq.heappush(heap, (-c, p))
    if len(merges) < num_merges:
        print(f'note: only {len(merges)} merges possible', file=sys.stderr)
    return merges


def write_outputs(out_dir, merges, pad_token, max_length):
    os.makedirs(out_dir, exist_ok=True)
    chars = list(bytes_to_unicode().values())
    tokens = chars + [c + '</w>' for c in chars] + [a + b for a, b in merges] + [START, END]
    vocab = {t: i for i, t in enumerate(tokens)}
    assert len(vocab) == len(tokens), 'duplicate token'
    if pad_token not in vocab:
        sys.exit(f'pad token {pad_token!r} is not in the vocabulary')
    with open(os.path.join(out_dir, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump(vocab, f, ensure_ascii=False, separators=(',', ':'))
    with open(os.path.join(out_dir, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n')
        f.writelines(f'{a} {b}\n' for a, b in merges)
    special = {'bos_token': START, 'eos_token': END, 'unk_token': END, 'pad_token': pad_token}
    config = dict(special, tokenizer_class='CLIPTokenizer', model_max_length=max_length,
                  do_lower_case=True, add_prefix_space=False, errors='replace')
    for name, obj in (('tokenizer_config.json', config), ('special_tokens_map.json', special)):
        with open(os.path.join(out_dir, name), 'w', encoding='utf-8') as f:
            json.dump(obj, f, ensure_ascii=False, indent=2)
            f.write('\n')
    return len(vocab)


def main():
    ap = argparse.ArgumentParser(description='Learn a CLIP-format byte-level BPE.')
    ap.add_argument('corpus', nargs='+', help='UTF-8 text files')
    ap.add_argument('--merges', type=int, required=True, help='number of merges to learn')
    ap.add_argument('--out', required=True, help='output folder')
    ap.add_argument('--pad-token', default=END, help='padding token (default <|endoftext|>)')
    ap.add_argument('--max-length', type=int, default=77, help='model_max_length (default 77)')
    args = ap.parse_args()
    merges = train(count_words(args.corpus), args.merges)
    size = write_outputs(args.out, merges, args.pad_token, args.max_length)
    print(f'{len(merges)} merges, vocab size {size}, written to {args.out}')


if __name__ == '__main__':
    main()
