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
comma_padding_backtrack of 20), re-stated here, with the bundled loom-emoji-sd tokenizer
(clip_tokenizer_ref.py): each chunk's 77 token ids and their multipliers. The test runs the bundled text
encoder's ONNX file on each chunk and applies EmphasisOriginal.after_transformers (scale each token's
output by its multiplier, then restore the chunk's mean) itself, so the fixture holds nothing that
depends on the model's weights, only on its tokenizer files (their sha256 is recorded).
"""
import argparse
import importlib.util
import json
import os
import sys
import types

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


def emphasis_cases(parse):
    from clip_tokenizer_ref import SimpleTokenizer
    tok_dir = os.path.join(ROOT, 'models/bundle/loom-emoji-sd/tokenizer')
    tokenizer = SimpleTokenizer(os.path.join(tok_dir, 'merges.txt'), os.path.join(tok_dir, 'vocab.json'))
    start, end = tokenizer.encoder['<|startoftext|>'], tokenizer.encoder['<|endoftext|>']
    prompts = ['red apple', 'a (red:1.5) apple, [green] leaves', 'a ((red)) apple BREAK on a (wooden:0.7) table',
               ' '.join(['red apple', 'green pear', 'yellow banana'] * 14) + ' (smiling face:1.4)',
               ', '.join(['red apple', '(green pear:1.2)', 'yellow banana', 'a big red cat'] * 7), ', '.join(['red apple', 'cat'] * 20)]
    return [{'prompt': p, 'chunks': chunks(parse(p), tokenizer, start, end, end, tokenizer.encoder[',</w>'])} for p in prompts]


def sha256(path):
    import hashlib
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


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
        tok_dir = os.path.join(ROOT, 'models/bundle/loom-emoji-sd/tokenizer')
        json.dump({'source': 'models/tools/reference/prompt_weights_ref.py', 'attention': cases,
                   'tokenizer': {n: sha256(os.path.join(tok_dir, n)) for n in ('vocab.json', 'merges.txt')},
                   'emphasis': emphasis_cases(parse)}, f)
    print(f'{len(cases)} parser cases ({sum(1 for c in cases if "error" in c)} errors) written to {args.out}')


if __name__ == '__main__':
    main()
