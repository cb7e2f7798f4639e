// Prompt cleanup done by OpenAI CLIP's simple_tokenizer before BPE:
// ftfy.fix_text, html.unescape twice, whitespace collapse, strip, lower-case.
//
// ftfy.fix_text is reproduced in its order, line by line and until nothing changes: mojibake repair
// (fix_encoding, in mojibake.ts), C1 controls, latin ligatures, full-width characters, curly
// quotes, control characters and NFC normalisation. Left out: its own HTML unescaping (CLIP
// unescapes right after), line-break normalisation, lone surrogates and terminal escapes, which
// the whitespace collapse or the BPE make no difference for in prompts.
// html.unescape handles every numeric reference exactly like Python, and the named references
// listed below (the legacy Latin-1 names, with or without ';', and common typographic ones);
// other named references stay as written.

import { fixC1Controls, fixEncoding } from './mojibake.ts';

const LIGATURES: Record<string, string> = {
  'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž', 'ǆ': 'dž',
  'Ǉ': 'LJ', 'ǈ': 'Lj', 'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj', 'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl',
  'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st',
};

function isControl(cp: number): boolean {
  return (cp <= 0x08) || cp === 0x0b || (cp >= 0x0e && cp <= 0x1f) || cp === 0x7f ||
    (cp >= 0x206a && cp <= 0x206f) || cp === 0xfeff || (cp >= 0xfff9 && cp <= 0xfffc);
}

function fixSegment(text: string): string {
  let out = '';
  for (const ch of fixC1Controls(fixEncoding(text))) {
    const lig = LIGATURES[ch];
    if (lig !== undefined) { out += lig; continue; }
    const cp = ch.codePointAt(0)!;
    if (cp === 0x3000) { out += ' '; continue; }
    if (cp >= 0xff01 && cp <= 0xffef) {
      const n = ch.normalize('NFKC');
      out += [...n].length === 1 ? n : ch;
      continue;
    }
    out += ch;
  }
  out = out.replace(/[\u02bc\u2018-\u201b]/g, "'").replace(/[\u201c-\u201f]/g, '"');
  let kept = '';
  for (const ch of out) if (!isControl(ch.codePointAt(0)!)) kept += ch;
  return kept.normalize('NFC');
}

/** ftfy.fix_text as described above: each line fixed until it no longer changes. */
export function fixText(text: string): string {
  return text.split(/(?<=\n)/).map((segment) => {
    for (;;) {
      const fixed = fixSegment(segment);
      if (fixed === segment) return segment;
      segment = fixed;
    }
  }).join('');
}

// Latin-1 names for U+00A0..U+00FF, in code point order; HTML accepts them without ';' too.
const LATIN1_NAMES = ('nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg ' +
  'macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 ' +
  'iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute ' +
  'Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute ' +
  'THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave ' +
  'iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc ' +
  'uuml yacute thorn yuml').split(' ');
const LEGACY: Record<string, string> = {
  amp: '&', AMP: '&', lt: '<', LT: '<', gt: '>', GT: '>', quot: '"', QUOT: '"', COPY: '©', REG: '®',
};
LATIN1_NAMES.forEach((name, i) => { LEGACY[name] = String.fromCharCode(0xa0 + i); });
const SEMICOLON_ONLY: Record<string, string> = {
  apos: "'", hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”',
  sbquo: '‚', bdquo: '„', bull: '•', trade: '™', euro: '€', larr: '←', rarr: '→', uarr: '↑',
  darr: '↓', hearts: '♥', star: '☆', starf: '★', dagger: '†', Dagger: '‡', permil: '‰', prime: '′',
  infin: '∞', ne: '≠', le: '≤', ge: '≥', minus: '−', thinsp: '\u2009', ensp: '\u2002',
  emsp: '\u2003', zwj: '\u200d', zwnj: '\u200c', tab: '\t', NewLine: '\n', nbsp: '\u00a0',
};
const NAMED = new Map<string, string>();
for (const [k, v] of Object.entries(LEGACY)) { NAMED.set(k, v); NAMED.set(k + ';', v); }
for (const [k, v] of Object.entries(SEMICOLON_ONLY)) NAMED.set(k + ';', v);

// Python's html._invalid_charrefs for 0x80..0x9f: Windows-1252, undefined bytes kept as is.
const CP1252 = '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

function numericRef(num: number): string {
  if (num === 0) return '\ufffd';
  if (num === 0x0d) return '\r';
  if (num >= 0x80 && num <= 0x9f) return CP1252[num - 0x80];
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
  const invalid = (num >= 0x1 && num <= 0x8) || num === 0xb || (num >= 0xe && num <= 0x1f) ||
    num === 0x7f || (num >= 0xfdd0 && num <= 0xfdef) || (num & 0xfffe) === 0xfffe;
  return invalid ? '' : String.fromCodePoint(num);
}

const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Python's html.unescape (named references limited to the table above). */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, (whole, s: string) => {
    if (s[0] === '#') {
      const hex = s[1] === 'x' || s[1] === 'X';
      const digits = s.slice(hex ? 2 : 1).replace(/;$/, '');
      const num = parseInt(digits, hex ? 16 : 10); // huge values only need to exceed 0x10ffff
      return numericRef(Number.isFinite(num) ? num : 0x110000);
    }
    const direct = NAMED.get(s);
    if (direct !== undefined) return direct;
    const chars = [...s];
    for (let x = chars.length - 1; x > 1; x--) {
      const prefix = chars.slice(0, x).join('');
      const legacy = Object.hasOwn(LEGACY, prefix) ? LEGACY[prefix] : undefined;
      if (legacy !== undefined) return legacy + chars.slice(x).join('');
    }
    return whole;
  });
}

// Python str.isspace() (for strip) and the regex module's \s (Unicode White_Space) differ a little.
const PY_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const WHITE_SPACE = /\p{White_Space}+/gu;

export function pyStrip(text: string): string {
  return text.replace(PY_SPACE, '');
}

/** whitespace_clean(basic_clean(text)).lower() of simple_tokenizer.py. */
export function cleanPrompt(text: string): string {
  const basic = pyStrip(htmlUnescape(htmlUnescape(fixText(text))));
  return pyStrip(basic.replace(WHITE_SPACE, ' ')).toLowerCase();
}
