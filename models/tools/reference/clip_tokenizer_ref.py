#!/usr/bin/env python3
"""Reference CLIP tokenizer, following OpenAI CLIP's simple_tokenizer.py, to make test fixtures.

Usage:
    python3 models/tools/reference/clip_tokenizer_ref.py [--tokenizer models/test/tokenizer]
        [--out src/diffusion/fixtures/clip_tokenizer.json] [--check-refs ../shared/refs/clip]

Builds the encoder the way simple_tokenizer.py does (bytes, bytes + "</w>", merges, specials) from
merges.txt and checks it against vocab.json, then tokenizes a list of prompts.

ftfy is not packaged for Debian, so fix_text is replaced by the parts of it that matter for prompts
(same subset as the TypeScript tokenizer): latin ligatures, full-width characters, curly quotes,
control characters, NFC. Mojibake repair is not reproduced here (the prompts below have none); the
TypeScript side's fix_encoding (src/diffusion/mojibake.ts) is checked against the real ftfy by
ftfy_ref.py.

--check-refs DIR runs sample_cases.json in DIR with OpenAI's vocabulary and fails on a mismatch.
"""
import argparse
import html
import json
import os
import unicodedata

import regex as re

LIGATURES = {'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž',
             'ǆ': 'dž', 'Ǉ': 'LJ', 'ǈ': 'Lj', 'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj', 'ﬀ': 'ff',
             'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st'}
CONTROL = set(list(range(0x00, 0x09)) + [0x0B] + list(range(0x0E, 0x20)) + [0x7F] +
              list(range(0x206A, 0x2070)) + [0xFEFF] + list(range(0xFFF9, 0xFFFD)))


def fix_text_subset(text):
    text = ''.join(LIGATURES.get(c, c) for c in text)
    out = []
    for c in text:
        cp = ord(c)
        if cp == 0x3000:
            c = ' '
        elif 0xFF01 <= cp <= 0xFFEF:
            n = unicodedata.normalize('NFKC', c)
            if len(n) == 1:
                c = n
        out.append(c)
    text = ''.join(out)
    text = re.sub('[\u02bc\u2018-\u201b]', "'", text)
    text = re.sub('[\u201c-\u201f]', '"', text)
    text = ''.join(c for c in text if ord(c) not in CONTROL)
    return unicodedata.normalize('NFC', text)


def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + \
        list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    return dict(zip(bs, [chr(n) for n in cs]))


def get_pairs(word):
    return set(zip(word, word[1:]))


def basic_clean(text):
    text = fix_text_subset(text)
    text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text):
    return re.sub(r'\s+', ' ', text).strip()


class SimpleTokenizer:
    def __init__(self, merges_path, vocab_path=None):
        self.byte_encoder = bytes_to_unicode()
        with open(merges_path, encoding='utf-8') as f:
            lines = f.read().split('\n')
        merges = [tuple(m.split()) for m in lines[1:] if m.strip()]
        vocab = list(self.byte_encoder.values())
        vocab = vocab + [v + '</w>' for v in vocab]
        vocab += [''.join(m) for m in merges]
        vocab += ['<|startoftext|>', '<|endoftext|>']
        self.encoder = dict(zip(vocab, range(len(vocab))))
        if vocab_path:
            with open(vocab_path, encoding='utf-8') as f:
                assert json.load(f) == self.encoder, 'vocab.json disagrees with merges.txt'
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.cache = {'<|startoftext|>': '<|startoftext|>', '<|endoftext|>': '<|endoftext|>'}
        self.pat = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + '</w>',)
        pairs = get_pairs(word)
        if not pairs:
            return token + '</w>'
        while True:
            bigram = min(pairs, key=lambda p: self.bpe_ranks.get(p, float('inf')))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        word = ' '.join(word)
        self.cache[token] = word
        return word

    def encode(self, text):
        tokens = []
        text = whitespace_clean(basic_clean(text)).lower()
        for token in re.findall(self.pat, text):
            token = ''.join(self.byte_encoder[b] for b in token.encode('utf-8'))
            tokens.extend(self.encoder[t] for t in self.bpe(token).split(' '))
        return tokens

    def tokenize(self, text, max_length=77):
        sot, eot = self.encoder['<|startoftext|>'], self.encoder['<|endoftext|>']
        return [sot] + self.encode(text)[:max_length - 2] + [eot]


PROMPTS = [
    'a red apple', 'A photo of a cat', '', '   ', '\n\t \n', 'hello, world!',
    'The quick brown fox jumps over the lazy dog.', 'UPPER lower MiXeD CaSe',
    "it's what they're doing, we've said I'm sure you'll see he'd go", "IT'S LOUD", "rock'n'roll",
    'numbers 1234567890 and 3.14159 and 1,000,000', 'x1y2z3', 'café crème brûlée',
    'naïve résumé façade Ångström', 'Straße ÆØÅ æøå', 'emoji 🐱🔥 time 👩‍👩‍👧',
    '🎨🖌️', '日本語のテキスト', '中文 字符 测试', '한국어 텍스트', 'Привет мир', 'Ελληνικά ΣΊΣΥΦΟΣ',
    'مرحبا بالعالم', 'mixed 日本 and english',
    'tom &amp; jerry', '&lt;b&gt;bold&lt;/b&gt;', '&amp;amp; double', '&quot;quoted&quot; &#39;x&#39;',
    'multiple    spaces\n\nand\nnewlines\t\ttabs', '  leading and trailing  ',
    '!!!??? ... --- ***', '(parentheses) [brackets] {braces} <angles>', 'a_b-c/d\\e|f',
    'email@example.com https://example.org/path?q=1&r=2', '#hashtag @mention $100 50% ^caret~',
    '<|startoftext|>a cat<|endoftext|>', 'before <|endoftext|> after', '<|STARTOFTEXT|>',
    'masterpiece, best quality, ((detailed)), [blurry:0.5], (cat:1.2)',
    'a photograph of an astronaut riding a horse on mars, highly detailed, 8k',
    'license and copyright of the software, redistribution permitted',
    'curly ‘quotes’ and “double quotes” it’s', 'ligatures ﬁne ﬂow', 'full width ＡＢＣ１２３！',
    'decomposed cafe\u0301', 'zero\u200bwidth', 'bom\ufeffinside', 'ctrl\x07char',
    "long \u017fs 'ſ", 'nbsp\u00a0here', 'ideographic\u3000space', '\u0345', 'a\u0345b', 'ⓐⓑ Ⓒ ⅻ',
    ' '.join(['word'] * 100),
    ' '.join('token%d' % i for i in range(60)),
    'supercalifragilisticexpialidocious antidisestablishmentarianism',
    'a ' * 74 + 'end', 'a ' * 75 + 'end', 'a ' * 76 + 'end',
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, '..', '..', '..'))
    ap = argparse.ArgumentParser()
    ap.add_argument('--tokenizer', default=os.path.join(root, 'models/test/tokenizer'))
    ap.add_argument('--out', default=os.path.join(root, 'src/diffusion/fixtures/clip_tokenizer.json'))
    ap.add_argument('--check-refs', default=None)
    args = ap.parse_args()

    if args.check_refs:
        tok = SimpleTokenizer(os.path.join(args.check_refs, 'merges.txt'),
                              os.path.join(args.check_refs, 'vocab.json'))
        with open(os.path.join(args.check_refs, 'sample_cases.json'), encoding='utf-8') as f:
            for case in json.load(f)['cases']:
                got = tok.tokenize(case['prompt'])
                assert got == case['ids_unpadded'], (case['prompt'], got)
        print('sample cases match')

    tok = SimpleTokenizer(os.path.join(args.tokenizer, 'merges.txt'),
                          os.path.join(args.tokenizer, 'vocab.json'))
    cases = [{'prompt': p, 'ids': tok.tokenize(p)} for p in PROMPTS]
    fixture = {
        'source': 'models/tools/reference/clip_tokenizer_ref.py on models/test/tokenizer',
        'vocabSize': len(tok.encoder),
        'cases': cases,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write('{"source":%s,"vocabSize":%d,"cases":[\n' % (json.dumps(fixture['source']), fixture['vocabSize']))
        f.write(',\n'.join(json.dumps(c, ensure_ascii=True, separators=(',', ':')) for c in cases))
        f.write('\n]}\n')
    print(f'{len(cases)} cases written to {args.out}')


if __name__ == '__main__':
    main()
