// Where a JSON text stops being JSON, as line and column, found by a small scanner of our own so the
// message does not depend on the JavaScript engine's wording. Iterative: nesting depth costs no stack.

export interface JsonSyntaxError { offset: number; line: number; column: number; reason: string }

/** The first syntax error in `text`, or null when it is valid JSON. */
export function findJsonError(text: string): JsonSyntaxError | null {
  let i = 0;
  const fail = (reason: string): JsonSyntaxError => ({ offset: i, ...lineColumn(text, i), reason });
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const literal = (word: string): boolean => {
    if (text.startsWith(word, i)) { i += word.length; return true; }
    return false;
  };
  // 'v': a value is expected; 'o': a key or '}' after '{'; 'k': a key after ','; 'a': a value or ']' after '['.
  const stack: ('{' | '[')[] = [];
  type Expect = 'v' | 'o' | 'k' | 'a';
  let expect = 'v' as Expect;
  for (;;) {
    ws();
    if (i >= text.length) return fail('the text ends too early');
    const c = text[i];
    if ((expect === 'o' && c === '}') || (expect === 'a' && c === ']')) {
      i++;
      stack.pop();
    } else if (expect === 'o' || expect === 'k') {
      if (c !== '"') return fail(`expected a key in double quotes, found ${shown(c)}`);
      const err = string();
      if (err) return err;
      ws();
      if (text[i] !== ':') return fail(`expected ':' after the key, found ${shown(text[i])}`);
      i++;
      expect = 'v';
      continue;
    } else if (c === '{' || c === '[') {
      i++;
      stack.push(c);
      expect = c === '{' ? 'o' : 'a';
      continue;
    } else if (c === '"') {
      const err = string();
      if (err) return err;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const err = number();
      if (err) return err;
    } else if (!literal('true') && !literal('false') && !literal('null')) {
      return fail(`unexpected ${shown(c)}`);
    }
    // A value is complete: what follows must separate it from the next one or close its container.
    const done = closeMore();
    if (done !== undefined) return done;
  }

  /** After a value: null at the end of a valid document, an error, or undefined to read on. */
  function closeMore(): JsonSyntaxError | null | undefined {
    for (;;) {
      ws();
      const top = stack.at(-1);
      if (top === undefined) return i < text.length ? fail(`unexpected ${shown(text[i])} after the end of the document`) : null;
      const d = text[i];
      if (d === ',') { i++; expect = top === '{' ? 'k' : 'v'; return undefined; }
      if ((top === '{' && d === '}') || (top === '[' && d === ']')) { i++; stack.pop(); continue; }
      return fail(i >= text.length ? 'the text ends too early' : `expected ',' or '${top === '{' ? '}' : ']'}', found ${shown(d)}`);
    }
  }

  function string(): JsonSyntaxError | null {
    i++; // the opening quote
    while (i < text.length) {
      const c = text[i];
      if (c === '"') { i++; return null; }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i++; return fail('a \\u escape needs four hex digits'); }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else { i++; return fail(`unknown escape \\${e ?? ''}`); }
        continue;
      }
      if (c < ' ') return fail('a control character inside a string (write it as an escape)');
      i++;
    }
    return fail('a string is not closed');
  }

  function number(): JsonSyntaxError | null {
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) return fail(`unexpected ${shown(text[i])}`);
    i = NUMBER.lastIndex;
    return null;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** 1-based line and column of a character offset; \r\n, \n and \r each end a line. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) { line++; start = k + 1; }
  }
  return { line, column: offset - start + 1 };
}

function shown(c: string | undefined): string {
  if (c === undefined) return 'the end of the text';
  const code = c.charCodeAt(0);
  return code < 32 || code === 127 ? `character U+${code.toString(16).padStart(4, '0').toUpperCase()}` : `'${c}'`;
}
