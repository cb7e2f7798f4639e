// Mojibake repair: ftfy's fix_encoding (ftfy 6.3), which OpenAI's CLIP tokenizer runs through
// ftfy.fix_text. Text that UTF-8 bytes became by being decoded as a single-byte encoding
// (Windows-1252, Latin-1, MacRoman, ...) is encoded back and decoded as UTF-8, one layer at a time,
// but only while ftfy's badness heuristic (mojibakeData.ts, generated from ftfy's own regex) says
// the text looks like mojibake, so correct text such as "naïve" or a lone "Ã" is left alone.
// The steps and their order follow ftfy's _fix_encoding_one_step_and_explain.

import { BADNESS_SOURCE, CHARMAP_ENCODINGS, UTF8_DETECTOR_SOURCE } from './mojibakeData.ts';

const BADNESS = new RegExp(BADNESS_SOURCE, 'u');
const BADNESS_ALL = new RegExp(BADNESS_SOURCE, 'gu');
const UTF8_DETECTOR = new RegExp(UTF8_DETECTOR_SOURCE, 'gu');

/** ftfy.badness.badness: how many unlikely character sequences the text has. */
export function badness(text: string): number {
  return text.match(BADNESS_ALL)?.length ?? 0;
}

/** ftfy.badness.is_bad: whether the text looks like it contains mojibake. */
export function isBad(text: string): boolean {
  return BADNESS.test(text);
}

interface Charmap {
  name: string;
  /** Character to byte, for every character the encoding (sloppily) encodes. */
  bytes: Map<string, number>;
  /** Byte to character. */
  chars: string[];
}

function charmap(name: string, high: string): Charmap {
  const chars = Array.from({ length: 256 }, (_, b) => (b < 0x80 ? String.fromCharCode(b) : high[b - 0x80]));
  // ftfy's sloppy codecs decode byte 0x1A as U+FFFD, so lost characters can be traced through.
  if (name.startsWith('sloppy')) chars[0x1a] = '\ufffd';
  const bytes = new Map<string, number>();
  chars.forEach((c, b) => { if (!bytes.has(c)) bytes.set(c, b); });
  return { name, bytes, chars };
}

const CHARMAPS = CHARMAP_ENCODINGS.map(([name, high]) => charmap(name, high));
const LATIN1 = CHARMAPS.find((m) => m.name === 'latin-1')!;
const SLOPPY_1252 = CHARMAPS.find((m) => m.name === 'sloppy-windows-1252')!;
// Python's strict windows-1252: the sloppy table without the five bytes it leaves undefined.
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** Latin-1 "binary strings" let the byte-level regexes below run as ordinary regexes. */
type Bytes = string;

function encode(text: string, map: Charmap): Bytes | null {
  let out = '';
  for (const c of text) {
    const b = map.bytes.get(c);
    if (b === undefined) return null;
    out += String.fromCharCode(b);
  }
  return out;
}

const ALTERED_UTF8 = /[\xc2\xc3\xc5\xce\xd0\xd9][ ]|[\xe2\xe3][ ][\x80-\x84\x86-\x9f\xa1-\xbf]|[\xe0-\xe3][\x80-\x84\x86-\x9f\xa1-\xbf][ ]|[\xf0][ ][\x80-\xbf][\x80-\xbf]|[\xf0][\x80-\xbf][ ][\x80-\xbf]|[\xf0][\x80-\xbf][\x80-\xbf][ ]/g;
const A_GRAVE_WORD = /\xc3 (?! |quele|quela|quilo|s )/g;
const LOSSY_UTF8 = /[\xc2-\xdf][\x1a]|[\xc2-\xc3][?]|\xed[\xa0-\xaf][\x1a?]\xed[\xb0-\xbf][\x1a?\x80-\xbf]|\xed[\xa0-\xaf][\x1a?\x80-\xbf]\xed[\xb0-\xbf][\x1a?]|[\xe0-\xef][\x1a?][\x1a\x80-\xbf]|[\xe0-\xef][\x1a\x80-\xbf][\x1a?]|[\xf0-\xf4][\x1a?][\x1a\x80-\xbf][\x1a\x80-\xbf]|[\xf0-\xf4][\x1a\x80-\xbf][\x1a?][\x1a\x80-\xbf]|[\xf0-\xf4][\x1a\x80-\xbf][\x1a\x80-\xbf][\x1a?]|\x1a/g;

/** fixes.restore_byte_a0: put back the 0xA0 bytes that became spaces inside UTF-8 sequences. */
function restoreByteA0(bytes: Bytes): Bytes {
  return bytes.replace(A_GRAVE_WORD, '\xc3\xa0 ').replace(ALTERED_UTF8, (m) => m.replaceAll(' ', '\xa0'));
}

/** fixes.replace_lossy_sequences: UTF-8 sequences with a lost byte (0x1A) decode as U+FFFD. */
function replaceLossySequences(bytes: Bytes): Bytes {
  return bytes.replace(LOSSY_UTF8, '\xef\xbf\xbd');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Bytes): string | null {
  try {
    return utf8.decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

// ftfy's utf-8-variants codec: Java's C0 80 for U+0000, and CESU-8 surrogates.
const SPECIAL_UTF8 = /\xc0\x80|\xed[\xa0-\xaf][\x80-\xbf]\xed[\xb0-\xbf][\x80-\xbf]|\xed[\xa0-\xbf][\x80-\xbf]/g;

function decodeUtf8Variants(bytes: Bytes): string | null {
  let out = '';
  let at = 0;
  for (const m of bytes.matchAll(SPECIAL_UTF8)) {
    const plain = decodeUtf8(bytes.slice(at, m.index));
    if (plain === null) return null;
    const s = m[0];
    const unit = (i: number) => ((s.charCodeAt(i) & 0x0f) << 12) | ((s.charCodeAt(i + 1) & 0x3f) << 6) | (s.charCodeAt(i + 2) & 0x3f);
    out += plain + (s === '\xc0\x80' ? '\0' : s.length === 6 ? String.fromCharCode(unit(0), unit(3)) : String.fromCharCode(unit(0)));
    at = m.index + s.length;
  }
  const rest = decodeUtf8(bytes.slice(at));
  return rest === null ? null : out + rest;
}

const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);
const C1_CONTROL = /[\x80-\x9f]/g;
const length = (text: string) => [...text].length;

/** fixes.fix_c1_controls: C1 control characters read as the Windows-1252 characters they stand for. */
export function fixC1Controls(text: string): string {
  return text.replace(C1_CONTROL, (c) => SLOPPY_1252.chars[c.charCodeAt(0)]);
}

/** fixes.decode_inconsistent_utf8: mojibake embedded in otherwise fine text, fixed piece by piece. */
function decodeInconsistentUtf8(text: string): string {
  return text.replace(UTF8_DETECTOR, (piece) => (length(piece) < length(text) && isBad(piece) ? fixEncoding(piece) : piece));
}

/** One step of ftfy's fix_encoding: undo one layer of mojibake, or return the text as it is. */
function fixOneStep(text: string): string {
  if (text.length === 0 || isAscii(text) || !isBad(text)) return text;
  const possible: string[] = [];
  // Text that was UTF-8 decoded as a single-byte encoding: encode it back and decode it as UTF-8.
  for (const map of CHARMAPS) {
    let bytes = encode(text, map);
    if (bytes === null) continue;
    possible.push(map.name);
    if (map.name !== 'macroman' && new RegExp(ALTERED_UTF8.source).test(bytes)) bytes = restoreByteA0(bytes);
    if (map.name.startsWith('sloppy')) bytes = replaceLossySequences(bytes);
    const variants = bytes.includes('\xed') || bytes.includes('\xc0');
    const fixed = variants ? decodeUtf8Variants(bytes) : decodeUtf8(bytes);
    if (fixed !== null) return fixed;
  }
  // Mojibake in pieces of otherwise fine text.
  if (new RegExp(UTF8_DETECTOR_SOURCE, 'u').test(text)) {
    const fixed = decodeInconsistentUtf8(text);
    if (fixed !== text) return fixed;
  }
  // Latin-1 meant as Windows-1252: only C1 controls differ. (ftfy tests for "windows-1252" among
  // the possible encodings, a name its list spells "sloppy-windows-1252", so this always runs.)
  if (possible.includes('latin-1')) {
    const bytes = encode(text, LATIN1)!;
    if (![...bytes].some((c) => UNDEFINED_1252.has(c.charCodeAt(0)))) {
      const fixed = [...bytes].map((c) => SLOPPY_1252.chars[c.charCodeAt(0)]).join('');
      if (fixed !== text) return fixed;
    }
  }
  if (/[\x80-\x9f]/.test(text)) return fixC1Controls(text);
  return text;
}

/** ftfy.fix_encoding: undo every layer of mojibake the heuristic is confident about. */
export function fixEncoding(text: string): string {
  for (;;) {
    const fixed = fixOneStep(text);
    if (fixed === text) return text;
    text = fixed;
  }
}
