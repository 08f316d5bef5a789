// Reads the import declarations at the top of a Go source file without running the Go toolchain.

import { decodeInterpretedString } from './go-string-literal';

export interface GoImportSpec {
  readonly path: string;
  /** Explicit package name: an identifier, `_` or `.`; absent for a plain import. */
  readonly name?: string;
}

type Token =
  | { readonly kind: 'ident'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'punct'; readonly text: string }
  | { readonly kind: 'end' };

/**
 * Go requires every import declaration to precede all other top-level
 * declarations, so the scan stops at the first non-import token: files are
 * read only as far as their header, and anything that looks like an import
 * further down (in a string or comment) can never be mistaken for one.
 * Malformed input yields the imports recognised before the damage rather than
 * throwing, because one broken file must not take down the whole graph.
 */
export function parseGoImports(source: string): GoImportSpec[] {
  const lexer = new HeaderLexer(source);
  const imports: GoImportSpec[] = [];

  let token = lexer.next();
  if (isIdent(token, 'package')) {
    lexer.next(); // package name
    token = lexer.next();
  }

  for (;;) {
    if (token.kind === 'punct' && token.text === ';') {
      token = lexer.next();
      continue;
    }
    if (!isIdent(token, 'import')) {
      return imports;
    }
    token = lexer.next();
    if (token.kind === 'punct' && token.text === '(') {
      for (;;) {
        token = lexer.next();
        if (token.kind === 'punct' && token.text === ';') {
          continue;
        }
        if (token.kind === 'punct' && token.text === ')') {
          break;
        }
        const spec = readSpec(token, lexer);
        if (!spec) {
          return imports;
        }
        imports.push(spec);
      }
    } else {
      const spec = readSpec(token, lexer);
      if (!spec) {
        return imports;
      }
      imports.push(spec);
    }
    token = lexer.next();
  }
}

function readSpec(first: Token, lexer: HeaderLexer): GoImportSpec | undefined {
  if (first.kind === 'string') {
    return { path: first.text };
  }
  const hasName = first.kind === 'ident' || (first.kind === 'punct' && first.text === '.');
  if (!hasName) {
    return undefined;
  }
  const pathToken = lexer.next();
  if (pathToken.kind !== 'string') {
    return undefined;
  }
  return { path: pathToken.text, name: first.text };
}

function isIdent(token: Token, text: string): boolean {
  return token.kind === 'ident' && token.text === text;
}

function isIdentChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f || // _
    code > 0x7f // Go identifiers may use any Unicode letter; precision is not needed here.
  );
}

/**
 * Newlines are treated as plain whitespace: Go's automatic semicolons only
 * matter between tokens the header grammar never puts side by side.
 */
class HeaderLexer {
  private pos = 0;

  constructor(private readonly src: string) {
    if (src.charCodeAt(0) === 0xfeff) {
      this.pos = 1;
    }
  }

  next(): Token {
    if (!this.skipTrivia()) {
      return { kind: 'end' };
    }
    const src = this.src;
    const start = this.pos;
    const ch = src[start];

    if (ch === '"') {
      for (let i = start + 1; i < src.length; i += 1) {
        const c = src[i];
        if (c === '\\') {
          i += 1;
        } else if (c === '"') {
          this.pos = i + 1;
          const decoded = decodeInterpretedString(src.slice(start + 1, i));
          return decoded === undefined ? { kind: 'end' } : { kind: 'string', text: decoded };
        } else if (c === '\n') {
          break;
        }
      }
      return this.stop();
    }
    if (ch === '`') {
      const end = src.indexOf('`', start + 1);
      if (end < 0) {
        return this.stop();
      }
      this.pos = end + 1;
      // Go drops carriage returns from raw string literals.
      return { kind: 'string', text: src.slice(start + 1, end).replace(/\r/g, '') };
    }
    if (isIdentChar(src.charCodeAt(start))) {
      let i = start + 1;
      while (i < src.length && isIdentChar(src.charCodeAt(i))) {
        i += 1;
      }
      this.pos = i;
      return { kind: 'ident', text: src.slice(start, i) };
    }
    this.pos = start + 1;
    return { kind: 'punct', text: ch };
  }

  private stop(): Token {
    this.pos = this.src.length;
    return { kind: 'end' };
  }

  /** Returns false at end of input or inside an unterminated block comment. */
  private skipTrivia(): boolean {
    const src = this.src;
    while (this.pos < src.length) {
      const code = src.charCodeAt(this.pos);
      if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) {
        this.pos += 1;
      } else if (code === 0x2f && src.charCodeAt(this.pos + 1) === 0x2f) {
        const eol = src.indexOf('\n', this.pos + 2);
        this.pos = eol < 0 ? src.length : eol + 1;
      } else if (code === 0x2f && src.charCodeAt(this.pos + 1) === 0x2a) {
        const close = src.indexOf('*/', this.pos + 2);
        if (close < 0) {
          this.pos = src.length;
          return false;
        }
        this.pos = close + 2;
      } else {
        return true;
      }
    }
    return false;
  }
}
