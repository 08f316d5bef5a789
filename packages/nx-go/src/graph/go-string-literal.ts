// Decodes the body of a Go interpreted string literal ("...") shared by the go.mod and Go source readers.

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * Returns the decoded text, or undefined when the escape sequences are not valid Go,
 * so callers can treat the literal as malformed instead of guessing its meaning.
 */
export function decodeInterpretedString(body: string): string | undefined {
  if (!body.includes('\\')) {
    return body;
  }
  let out = '';
  let i = 0;
  while (i < body.length) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      i += 1;
      continue;
    }
    const esc = body[i + 1];
    if (esc === undefined) {
      return undefined;
    }
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    const hexLength = esc === 'x' ? 2 : esc === 'u' ? 4 : esc === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const digits = body.slice(i + 2, i + 2 + hexLength);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hexLength) {
        return undefined;
      }
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) {
        return undefined;
      }
      out += String.fromCodePoint(code);
      i += 2 + hexLength;
      continue;
    }
    const octal = body.slice(i + 1, i + 4);
    if (/^[0-7]{3}$/.test(octal) && parseInt(octal, 8) <= 0xff) {
      out += String.fromCharCode(parseInt(octal, 8));
      i += 4;
      continue;
    }
    return undefined;
  }
  return out;
}
