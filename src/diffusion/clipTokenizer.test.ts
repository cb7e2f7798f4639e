import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClipTokenizer } from './clipTokenizer.ts';
import { cleanPrompt, htmlUnescape } from './clipText.ts';
import fixture from './fixtures/clip_tokenizer.json';
import bundled from './fixtures/bundled_tokenizer.json';

const root = resolve(import.meta.dirname, '../..');
const testDir = resolve(root, 'models/test/tokenizer');
const read = (dir: string, name: string) => readFileSync(resolve(dir, name), 'utf8');
const readJson = (dir: string, name: string) => JSON.parse(read(dir, name)) as Record<string, unknown>;

function testTokenizer(config?: Record<string, unknown>): ClipTokenizer {
  return ClipTokenizer.fromFiles({
    vocab: read(testDir, 'vocab.json'),
    merges: read(testDir, 'merges.txt'),
    config: config ?? readJson(testDir, 'tokenizer_config.json'),
    specialTokens: readJson(testDir, 'special_tokens_map.json'),
  });
}

describe('ClipTokenizer on the test vocabulary', () => {
  const tok = testTokenizer();

  it('reads sizes and special ids from the vocabulary', () => {
    expect(tok.vocabSize).toBe(fixture.vocabSize);
    expect(tok.startId).toBe(fixture.vocabSize - 2);
    expect(tok.endId).toBe(fixture.vocabSize - 1);
    expect(tok.padId).toBe(tok.endId);
    expect(tok.maxLength).toBe(77);
  });

  it('matches the reference implementation on every fixture prompt', () => {
    const mismatches = fixture.cases
      .map((c) => ({ prompt: c.prompt, want: c.ids, got: tok.tokenize(c.prompt) }))
      .filter((r) => JSON.stringify(r.got) !== JSON.stringify(r.want));
    expect(mismatches).toEqual([]);
  });

  it('truncates long prompts to 77 ids and keeps the end token', () => {
    const long = fixture.cases.filter((c) => c.ids.length === 77);
    expect(long.length).toBeGreaterThan(2);
    for (const c of long) expect(tok.tokenize(c.prompt).at(-1)).toBe(tok.endId);
  });

  it('pads with <|endoftext|> by default and with "!" when the config says so', () => {
    const ids = tok.encode('a red apple');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids.length).toBe(77);
    const n = tok.tokenize('a red apple').length;
    expect(Array.from(ids.slice(n))).toEqual(new Array(77 - n).fill(tok.endId));

    const turbo = testTokenizer({ pad_token: { content: '!', lstrip: false }, model_max_length: 77 });
    expect(turbo.padId).toBe(0);
    const padded = turbo.encode('a red apple');
    expect(Array.from(padded.slice(0, n))).toEqual(tok.tokenize('a red apple'));
    expect(Array.from(padded.slice(n))).toEqual(new Array(77 - n).fill(0));
  });

  it('gives the same ids on repeated calls (memoised BPE)', () => {
    const p = 'the software license license license';
    expect(tok.tokenize(p)).toEqual(tok.tokenize(p));
  });

  it('rejects a pad token missing from the vocabulary', () => {
    expect(() => testTokenizer({ pad_token: '<pad>' })).toThrow(/not in the vocabulary/);
  });
});

describe('prompt cleanup', () => {
  it('unescapes html like Python, including legacy names without ";" and numeric edge cases', () => {
    expect(htmlUnescape('&amp;amp; &lt;b&gt; &eacute &ampx &#65;&#x42;&#128; &#0; &unknown;')).toBe(
      '&amp; <b> é &x AB€ \ufffd &unknown;');
    expect(cleanPrompt('  Tom &amp;amp; JERRY\n\n\t  ')).toBe('tom & jerry');
  });
});

describe('ClipTokenizer on the bundled loom-emoji-sd vocabulary', () => {
  const dir = resolve(root, 'models/bundle/loom-emoji-sd/tokenizer');

  it('gives the ids the model was trained on (models/train/clip_tokenize.py), padding included', () => {
    // The fixture was computed on these exact files; a new export with other ones needs it made again.
    for (const [name, sha] of Object.entries(bundled.sha256)) {
      const now = createHash('sha256').update(readFileSync(resolve(dir, name))).digest('hex');
      expect(now, `${name} changed: run /usr/bin/python3 models/tools/bundled_tokenizer_fixture.py`).toBe(sha);
    }
    const tok = ClipTokenizer.fromFiles({
      vocab: read(dir, 'vocab.json'), merges: read(dir, 'merges.txt'),
      config: readJson(dir, 'tokenizer_config.json'), specialTokens: readJson(dir, 'special_tokens_map.json'),
    });
    expect(bundled.cases.length).toBeGreaterThanOrEqual(10);
    const mismatches = bundled.cases
      .map((c) => ({ prompt: c.prompt, want: c.ids, got: Array.from(tok.encode(c.prompt)) }))
      .filter((r) => JSON.stringify(r.got) !== JSON.stringify(r.want));
    expect(mismatches).toEqual([]);
  });
});

const refDir = resolve(root, '../shared/refs/clip');
const hasRefs = ['vocab.json', 'merges.txt', 'sample_cases.json'].every((f) => existsSync(resolve(refDir, f)));

describe.skipIf(!hasRefs)('ClipTokenizer with OpenAI CLIP vocabulary', () => {
  it('reproduces the published sample cases', () => {
    const tok = ClipTokenizer.fromFiles({ vocab: read(refDir, 'vocab.json'), merges: read(refDir, 'merges.txt') });
    expect(tok.startId).toBe(49406);
    expect(tok.endId).toBe(49407);
    const cases = (readJson(refDir, 'sample_cases.json').cases as { prompt: string; ids_unpadded: number[] }[]);
    for (const c of cases) expect(tok.tokenize(c.prompt), c.prompt).toEqual(c.ids_unpadded);
    const padded = tok.encode(cases[0].prompt);
    expect(padded[76]).toBe(49407);
  });
});
