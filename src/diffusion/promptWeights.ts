// Prompt emphasis as AUTOMATIC1111's web UI reads it (modules/prompt_parser.py, parse_prompt_attention):
// (text) x1.1, [text] / 1.1, (text:1.3) x1.3, nested brackets multiply, \( \) \[ \] \\ are literal,
// unclosed brackets apply to the end, BREAK starts a new 75-token chunk. Then its token chunks
// (sd_hijack_clip.py, tokenize_line, with its comma backtracking): 75 tokens each between start and end
// tokens, padded, with one multiplier per token; and its "Original" emphasis, which scales the text
// encoder's output by the multipliers and restores the chunk's mean.

/** [text, weight] pairs; BREAK is ['BREAK', -1]. */
export type Weighted = [string, number];

// re_attention, with Python's re.X whitespace removed.
const ATTENTION = /\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:([+-]?[.\d]+)\)|\)|\]|[^\\()[\]:]+|:/gu;
// re_break: \s*\bBREAK\b\s*, with Python's Unicode word boundary.
const BREAK = /\s*(?<![\p{L}\p{N}_])BREAK(?![\p{L}\p{N}_])\s*/u;

const ROUND = 1.1;
const SQUARE = 1 / 1.1;

/** parse_prompt_attention, line for line. A weight that is not a number (e.g. "(a:1.2.3)") is an error, as in Python. */
export function parsePromptAttention(text: string): Weighted[] {
  const res: Weighted[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiplyRange = (start: number, by: number) => { for (let p = start; p < res.length; p++) res[p][1] *= by; };
  for (const m of text.matchAll(ATTENTION)) {
    const piece = m[0];
    const weight = m[1];
    if (piece.startsWith('\\')) res.push([piece.slice(1), 1]);
    else if (piece === '(') round.push(res.length);
    else if (piece === '[') square.push(res.length);
    else if (weight !== undefined && round.length) multiplyRange(round.pop()!, pythonFloat(weight));
    else if (piece === ')' && round.length) multiplyRange(round.pop()!, ROUND);
    else if (piece === ']' && square.length) multiplyRange(square.pop()!, SQUARE);
    else {
      piece.split(BREAK).forEach((part, i) => {
        if (i > 0) res.push(['BREAK', -1]);
        res.push([part, 1]);
      });
    }
  }
  for (const pos of round) multiplyRange(pos, ROUND);
  for (const pos of square) multiplyRange(pos, SQUARE);
  if (res.length === 0) res.push(['', 1]);
  for (let i = 0; i + 1 < res.length;) {
    if (res[i][1] === res[i + 1][1]) {
      res[i][0] += res[i + 1][0];
      res.splice(i + 1, 1);
    } else {
      i++;
    }
  }
  return res;
}

/** Python's float() on what the weight pattern matched ([+-]?[.\d]+). */
function pythonFloat(s: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s)) throw new Error(`could not convert string to float: '${s}' (a prompt weight)`);
  return Number(s);
}

export interface PromptChunk { tokens: number[]; multipliers: number[] }

export interface ChunkTokens {
  start: number;
  end: number;
  pad: number;
  /** The comma's id (',</w>'), for backtracking; none: no backtracking. */
  comma?: number;
}

/**
 * The weighted pieces as chunks of `length` + 2 tokens: start, up to `length` tokens (a BREAK or a full
 * chunk starts the next one), end-token padding, end; then, as the web UI does for encoders whose pad
 * token is not the end token, every token after the first end token becomes the pad token. When a chunk
 * is full and its last comma is at most `backtrack` tokens back (the web UI's comma_padding_backtrack,
 * 20 by default), the tokens after that comma move to the next chunk.
 */
export function promptChunks(parsed: Weighted[], tokenize: (text: string) => number[], ids: ChunkTokens, length = 75, backtrack = 20): PromptChunk[] {
  const chunks: PromptChunk[] = [];
  let chunk: PromptChunk = { tokens: [], multipliers: [] };
  let lastComma = -1;
  const next = () => {
    lastComma = -1;
    const add = length - chunk.tokens.length;
    const tokens = [ids.start, ...chunk.tokens, ...new Array<number>(Math.max(0, add)).fill(ids.end), ids.end];
    const firstEnd = tokens.indexOf(ids.end);
    for (let i = firstEnd + 1; i < tokens.length; i++) tokens[i] = ids.pad;
    chunks.push({ tokens, multipliers: [1, ...chunk.multipliers, ...new Array<number>(Math.max(0, add)).fill(1), 1] });
    chunk = { tokens: [], multipliers: [] };
  };
  for (const [text, weight] of parsed) {
    if (text === 'BREAK' && weight === -1) { next(); continue; }
    for (const token of tokenize(text)) {
      if (token === ids.comma) {
        lastComma = chunk.tokens.length;
      } else if (backtrack !== 0 && chunk.tokens.length === length && lastComma !== -1 && chunk.tokens.length - lastComma <= backtrack) {
        const at = lastComma + 1;
        const moved = { tokens: chunk.tokens.slice(at), multipliers: chunk.multipliers.slice(at) };
        chunk = { tokens: chunk.tokens.slice(0, at), multipliers: chunk.multipliers.slice(0, at) };
        next();
        chunk = moved;
      }
      if (chunk.tokens.length === length) next();
      chunk.tokens.push(token);
      chunk.multipliers.push(weight);
    }
  }
  if (chunk.tokens.length || chunks.length === 0) next();
  return chunks;
}

/**
 * EmphasisOriginal.after_transformers on one chunk's hidden states [tokens, width]: z * multiplier per
 * token, then times original_mean / new_mean (float32 operations; means summed in double).
 */
export function applyEmphasis(z: Float32Array, multipliers: number[], width: number): Float32Array {
  if (multipliers.every((m) => m === 1)) return z;
  const f = Math.fround;
  const mean = (x: Float32Array) => f(x.reduce((s, v) => s + v, 0) / x.length);
  const before = mean(z);
  const scaled = z.map((v, i) => f(v * f(multipliers[Math.floor(i / width)])));
  const ratio = f(before / mean(scaled));
  return scaled.map((v) => f(v * ratio));
}
