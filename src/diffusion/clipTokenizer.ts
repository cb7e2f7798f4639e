// CLIP byte-level BPE tokenizer, matching OpenAI CLIP's simple_tokenizer.py on the same vocabulary,
// built from the Hugging Face CLIPTokenizer files of a model folder (vocab.json + merges.txt).
import { cleanPrompt } from './clipText.ts';

export const START_TOKEN = '<|startoftext|>';
export const END_TOKEN = '<|endoftext|>';

export interface ClipTokenizerFiles {
  /** vocab.json, as text or parsed. */
  vocab: string | Record<string, number>;
  /** merges.txt text ("#version" header line optional). */
  merges: string;
  /** tokenizer_config.json (pad_token, model_max_length). */
  config?: Record<string, unknown>;
  /** special_tokens_map.json, consulted when the config names no pad token. */
  specialTokens?: Record<string, unknown>;
  /** Overrides model_max_length (77 when the config has no usable value). */
  maxLength?: number;
}

const CACHE_LIMIT = 20_000;

// simple_tokenizer's pattern. The text is lower-cased first, so IGNORECASE only shows in 'ſ' matching
// 's and in U+0345 (case-equivalent to a letter) matching nothing at all.
const PRE_SPLIT = /<\|startoftext\|>|<\|endoftext\|>|'[sſ]|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}\u0345]+/gu;

/** CLIP/GPT-2 map from each byte to a printable character. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const map: string[] = new Array(256);
  for (const b of bs) map[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (map[b] === undefined) map[b] = String.fromCharCode(256 + n++);
  return map;
}

/** A token name from a config value: either a string or { content: string }. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

export class ClipTokenizer {
  readonly maxLength: number;
  readonly startId: number;
  readonly endId: number;
  readonly padId: number;
  readonly vocabSize: number;
  private readonly encoder: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, number[]>();
  private readonly byteChars = bytesToUnicode();
  private readonly utf8 = new TextEncoder();

  private constructor(encoder: Map<string, number>, ranks: Map<string, number>, padToken: string, maxLength: number) {
    this.encoder = encoder;
    this.ranks = ranks;
    this.maxLength = maxLength;
    this.startId = this.idOf(START_TOKEN);
    this.endId = this.idOf(END_TOKEN);
    this.padId = this.idOf(padToken);
    this.vocabSize = encoder.size;
    this.resetCache();
  }

  private resetCache(): void {
    this.cache.clear();
    // Special tokens written in the prompt map to their ids, as in simple_tokenizer.py.
    this.cache.set(START_TOKEN, [this.startId]);
    this.cache.set(END_TOKEN, [this.endId]);
  }

  static fromFiles(files: ClipTokenizerFiles): ClipTokenizer {
    const raw = typeof files.vocab === 'string' ? JSON.parse(files.vocab) as unknown : files.vocab;
    if (!raw || typeof raw !== 'object') throw new Error('vocab.json: expected an object');
    const encoder = new Map<string, number>();
    for (const [token, id] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof id !== 'number' || !Number.isInteger(id)) throw new Error(`vocab.json: bad id for ${JSON.stringify(token)}`);
      encoder.set(token, id);
    }
    const ranks = new Map<string, number>();
    for (const line of files.merges.split('\n')) {
      if (line.startsWith('#version') || line.trim() === '') continue;
      const parts = line.trim().split(/\s+/);
      if (parts.length !== 2) throw new Error(`merges.txt: bad line ${JSON.stringify(line)}`);
      const key = parts[0] + ' ' + parts[1]; // symbols never contain spaces
      if (!ranks.has(key)) ranks.set(key, ranks.size);
    }
    const cfg = files.config ?? {};
    const pad = tokenName(cfg.pad_token) ?? tokenName(files.specialTokens?.pad_token) ?? END_TOKEN;
    const cfgMax = cfg.model_max_length;
    const maxLength = files.maxLength ??
      (typeof cfgMax === 'number' && Number.isInteger(cfgMax) && cfgMax >= 2 && cfgMax <= 4096 ? cfgMax : 77);
    return new ClipTokenizer(encoder, ranks, pad, maxLength);
  }

  /** The id of a vocabulary entry (e.g. ',</w>'), if it has one. */
  tokenId(token: string): number | undefined {
    return this.encoder.get(token);
  }

  private idOf(token: string): number {
    const id = this.encoder.get(token);
    if (id === undefined) throw new Error(`token ${JSON.stringify(token)} is not in the vocabulary`);
    return id;
  }

  /** BPE ids of the text, without start/end tokens or truncation. */
  encodeRaw(text: string): number[] {
    const ids: number[] = [];
    for (const piece of cleanPrompt(text).match(PRE_SPLIT) ?? []) {
      let word = '';
      for (const b of this.utf8.encode(piece)) word += this.byteChars[b];
      for (const id of this.bpe(word)) ids.push(id);
    }
    return ids;
  }

  /** Start token, up to maxLength - 2 BPE ids, end token; unpadded. */
  tokenize(text: string): number[] {
    return [this.startId, ...this.encodeRaw(text).slice(0, this.maxLength - 2), this.endId];
  }

  /** tokenize(), padded with the pad token to maxLength: the text encoder's input_ids. */
  encode(text: string): Int32Array {
    const out = new Int32Array(this.maxLength).fill(this.padId);
    out.set(this.tokenize(text));
    return out;
  }

  private bpe(token: string): number[] {
    const hit = this.cache.get(token);
    if (hit) return hit;
    let word = Array.from(token);
    word[word.length - 1] += '</w>';
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const r = this.ranks.get(word[i] + ' ' + word[i + 1]);
        if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
      }
      if (best < 0) break;
      const first = word[best];
      const second = word[best + 1];
      const merged: string[] = [];
      for (let i = 0; i < word.length;) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i += 2;
        } else {
          merged.push(word[i]);
          i += 1;
        }
      }
      word = merged;
    }
    const ids = word.map((w) => this.idOf(w));
    if (this.cache.size >= CACHE_LIMIT) this.resetCache();
    this.cache.set(token, ids);
    return ids;
  }
}
