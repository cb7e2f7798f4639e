#!/usr/bin/env python3
"""Reference prompt parsing and emphasis, for src/diffusion/promptWeights.test.ts.

Usage:
    /usr/bin/python3 models/tools/reference/prompt_weights_ref.py --parser PATH/modules/prompt_parser.py
        [--out src/diffusion/fixtures/prompt_weights.json]

--parser is AUTOMATIC1111's stable-diffusion-webui modules/prompt_parser.py (not kept in this repository):
its parse_prompt_attention is run on every case below (lark, which that module imports for prompt
editing, is stubbed when not installed; only parse_prompt_attention is used). A case that raises
records the error's type.

Emphasis: for a few prompts, the web UI's chunking (sd_hijack_clip.py tokenize_line, with its default
comma_padding_backtrack of 20) and EmphasisOriginal.after_transformers, re-stated here, on the bundled loom-emoji-sd text encoder
rebuilt in torch from its ONNX file's weights (the tiny test encoder's untrained final LayerNorm makes
every token's output zero-mean, so the mean that emphasis restores would be rounding noise there), with
its tokenizer (clip_tokenizer_ref.py).
"""
import argparse
import importlib.util
import json
import os
import sys
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..'))

CASES = [
    'normal text', 'an (important) word', '(unbalanced', '\\(literal\\]', '(unnecessary)(parens)',
    'a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).', '', '   ', '(word)', '((word))', '(((word)))',
    '[word]', '[[word]]', '(word:1.3)', '(word:0.5)', '(word:-1)', '(word:+2)', '(word:.5)', '(word:1.)',
    '(word:0)', '(word:1e3)', '(word: 1.3)', '(word:1.3 )', '((a:1.2) b:1.5)', '[(a) b]', '([a] b)',
    'a \\(b\\) c', 'a \\\\ b', 'a \\ b', 'a \\[b\\] c', 'unbalanced)', 'unbalanced]', '((a)', '[[a]', '[a',
    'a:b', 'a : b : c', '(a:b)', 'x (y:1.5', 'a BREAK b', 'aBREAKb', 'a BREAK', 'BREAK', 'a\nBREAK\nb',
    '(a BREAK b)', 'a BREAK BREAK b', 'BREAKfast', '(a)(b)(c)', '(a) [a]', '((a)) [[a]]',
    'masterpiece, (best quality:1.2), [blurry], ((detailed)), (cat:0.8)', '(a:1.2.3)', '(a:.)',
    '\\((a)\\)', '(a\\)b)', '[a:b:0.5]', '(red:1.1) (red)', 'ünïcödé (wörd)', '(a:1.1)(b)',
]


def load_parser(path):
    try:
        import lark  # noqa: F401
    except ImportError:
        stub = types.ModuleType('lark')
        stub.Lark = lambda *a, **k: None
        stub.Visitor = stub.Transformer = object
        sys.modules['lark'] = stub
    spec = importlib.util.spec_from_file_location('prompt_parser', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse_prompt_attention


def chunks(parsed, tokenizer, start, end, pad, comma, length=75, backtrack=20):
    """tokenize_line: 75 tokens a chunk, BREAK starts the next, comma backtracking; start/end added, end-padded."""
    out = []
    chunk = {'tokens': [], 'multipliers': []}
    last_comma = -1

    def next_chunk():
        nonlocal chunk, last_comma
        last_comma = -1
        add = length - len(chunk['tokens'])
        tokens = [start] + chunk['tokens'] + [end] * max(0, add) + [end]
        mult = [1.0] + chunk['multipliers'] + [1.0] * max(0, add) + [1.0]
        if pad != end:
            i = tokens.index(end)
            tokens = tokens[:i + 1] + [pad] * (len(tokens) - i - 1)
        out.append({'tokens': tokens, 'multipliers': mult})
        chunk = {'tokens': [], 'multipliers': []}

    for text, weight in parsed:
        if text == 'BREAK' and weight == -1:
            next_chunk()
            continue
        for token in tokenizer.encode(text):
            if token == comma:
                last_comma = len(chunk['tokens'])
            elif backtrack != 0 and len(chunk['tokens']) == length and last_comma != -1 and \
                    len(chunk['tokens']) - last_comma <= backtrack:
                at = last_comma + 1
                moved = {'tokens': chunk['tokens'][at:], 'multipliers': chunk['multipliers'][at:]}
                chunk = {'tokens': chunk['tokens'][:at], 'multipliers': chunk['multipliers'][:at]}
                next_chunk()
                chunk = moved
            if len(chunk['tokens']) == length:
                next_chunk()
            chunk['tokens'].append(token)
            chunk['multipliers'].append(weight)
    if chunk['tokens'] or not out:
        next_chunk()
    return out


def bundled_text_encoder():
    """models/bundle/loom-emoji-sd/text_encoder/model.onnx as sd_modules.TextEncoder: named initializers, and
    the MatMul weights (transposed Linear weights) in graph order: per layer qkv, proj, mlp.0, mlp.2."""
    import onnx
    from onnx import numpy_helper
    sys.path.insert(0, os.path.join(ROOT, 'models/train'))
    from sd_modules import TextEncoder
    model = onnx.load(os.path.join(ROOT, 'models/bundle/loom-emoji-sd/text_encoder/model.onnx'))
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    encoder = TextEncoder(weights['tok.weight'].shape[0], dim=weights['tok.weight'].shape[1], layers=2, heads=4)
    state = {k: v for k, v in weights.items() if not k.startswith('onnx::')}
    matmuls = [n for n in model.graph.node if n.op_type == 'MatMul' and n.input[1].startswith('onnx::')]
    names = [f'layers.{i}.{part}.weight' for i in range(2) for part in ('qkv', 'proj', 'mlp.0', 'mlp.2')]
    assert len(matmuls) == len(names)
    for name, node in zip(names, matmuls):
        state[name] = weights[node.input[1]].t().contiguous()
    encoder.load_state_dict(state)
    return encoder.eval()


def emphasis_cases(parse):
    from clip_tokenizer_ref import SimpleTokenizer
    tok_dir = os.path.join(ROOT, 'models/bundle/loom-emoji-sd/tokenizer')
    tokenizer = SimpleTokenizer(os.path.join(tok_dir, 'merges.txt'), os.path.join(tok_dir, 'vocab.json'))
    start, end = tokenizer.encoder['<|startoftext|>'], tokenizer.encoder['<|endoftext|>']
    text_encoder = bundled_text_encoder()
    prompts = ['red apple', 'a (red:1.5) apple, [green] leaves', 'a ((red)) apple BREAK on a (wooden:0.7) table',
               ' '.join(['red apple', 'green pear', 'yellow banana'] * 12) + ' (smiling face:1.4)',
               ', '.join(['red apple', '(green pear:1.2)', 'yellow banana', 'a big red cat'] * 7), ', '.join(['red apple', 'cat'] * 20)]
    out = []
    for prompt in prompts:
        cs = chunks(parse(prompt), tokenizer, start, end, end, tokenizer.encoder[',</w>'])
        zs = []
        for c in cs:
            with torch.no_grad():
                z, _ = text_encoder(torch.tensor([c['tokens']], dtype=torch.int32))
            # EmphasisOriginal.after_transformers
            multipliers = torch.asarray([c['multipliers']])
            original_mean = z.mean()
            z = z * multipliers.reshape(multipliers.shape + (1,)).expand(z.shape)
            new_mean = z.mean()
            z = z * (original_mean / new_mean)
            zs.append(z)
        z = torch.hstack(zs)
        out.append({'prompt': prompt, 'chunks': cs, 'dims': list(z.shape), 'z': [float(v) for v in z.reshape(-1)]})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--parser', required=True, help="AUTOMATIC1111's modules/prompt_parser.py")
    ap.add_argument('--out', default=os.path.join(ROOT, 'src/diffusion/fixtures/prompt_weights.json'))
    args = ap.parse_args()
    parse = load_parser(args.parser)
    cases = []
    for text in CASES:
        try:
            cases.append({'text': text, 'parsed': parse(text)})
        except Exception as e:  # noqa: BLE001 - recorded as the expected outcome
            cases.append({'text': text, 'error': type(e).__name__})
    with open(args.out, 'w') as f:
        json.dump({'source': 'models/tools/reference/prompt_weights_ref.py', 'attention': cases,
                   'emphasis': emphasis_cases(parse)}, f)
    print(f'{len(cases)} parser cases ({sum(1 for c in cases if "error" in c)} errors) written to {args.out}')


if __name__ == '__main__':
    main()
