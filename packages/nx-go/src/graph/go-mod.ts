// Parses go.mod and go.work text into the few directives the dependency graph needs (module, replace, use).

import { decodeInterpretedString } from './go-string-literal';

export interface GoReplace {
  /** Module path on the left of `=>`. */
  readonly from: string;
  readonly fromVersion?: string;
  /** Right of `=>`: a module path or a filesystem path. */
  readonly to: string;
  readonly toVersion?: string;
  /** 1-based line of the directive, for diagnostics. */
  readonly line: number;
}

export interface GoModSyntaxError {
  readonly line: number;
  readonly message: string;
}

export interface GoModFile {
  readonly module?: string;
  readonly replaces: readonly GoReplace[];
  readonly errors: readonly GoModSyntaxError[];
}

export interface GoWorkFile {
  /** Directories as written, relative to the go.work directory unless absolute. */
  readonly uses: readonly string[];
  readonly replaces: readonly GoReplace[];
  readonly errors: readonly GoModSyntaxError[];
}

type TokenKind = 'word' | 'string' | 'arrow' | 'lparen' | 'rparen';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

interface LineTokens {
  readonly tokens: Token[];
  readonly error?: string;
}

interface Directive {
  readonly verb: string;
  readonly args: readonly Token[];
  readonly line: number;
}

const WHITESPACE = new Set([' ', '\t', '\r', '\v', '\f', '\uFEFF']);
/** The characters of a word: none of WHITESPACE, ()"` nor the start of `//` or `=>`. */
const WORD = /(?:[^ \t\r\v\f\uFEFF()"`/=]|\/(?!\/)|=(?!>))+/y;

/**
 * Only directory replacements can point at another project in the workspace;
 * module-path replacements still resolve through the module cache.
 * Mirrors the prefixes cmd/go treats as directory paths (including Windows spellings).
 */
export function isLocalReplacementPath(target: string): boolean {
  return (
    target === '.' ||
    target === '..' ||
    target.startsWith('./') ||
    target.startsWith('../') ||
    target.startsWith('/') ||
    target.startsWith('.\\') ||
    target.startsWith('..\\')
  );
}

export function parseGoMod(text: string): GoModFile {
  const errors: GoModSyntaxError[] = [];
  const replaces: GoReplace[] = [];
  let modulePath: string | undefined;
  let moduleLine = 0;

  for (const directive of readDirectives(text, errors)) {
    switch (directive.verb) {
      case 'module': {
        const value = singleValue(directive, errors);
        if (value === undefined) {
          break;
        }
        if (modulePath !== undefined) {
          errors.push({ line: directive.line, message: `repeated module directive (first on line ${moduleLine})` });
          break;
        }
        modulePath = value;
        moduleLine = directive.line;
        break;
      }
      case 'replace': {
        const replace = readReplace(directive, errors);
        if (replace) {
          replaces.push(replace);
        }
        break;
      }
      default:
        // require, go, toolchain, exclude, retract, tool, godebug, ignore and any
        // future directive cannot change which local module an import resolves to.
        break;
    }
  }

  if (modulePath === undefined && errors.length === 0) {
    errors.push({ line: 1, message: 'no module directive' });
  }
  return { module: modulePath, replaces, errors };
}

export function parseGoWork(text: string): GoWorkFile {
  const errors: GoModSyntaxError[] = [];
  const replaces: GoReplace[] = [];
  const uses: string[] = [];

  for (const directive of readDirectives(text, errors)) {
    if (directive.verb === 'use') {
      const value = singleValue(directive, errors);
      if (value !== undefined) {
        uses.push(value);
      }
    } else if (directive.verb === 'replace') {
      const replace = readReplace(directive, errors);
      if (replace) {
        replaces.push(replace);
      }
    }
  }
  return { uses, replaces, errors };
}

function singleValue(directive: Directive, errors: GoModSyntaxError[]): string | undefined {
  const [only, ...rest] = directive.args;
  if (!only || rest.length > 0 || !isValue(only)) {
    errors.push({ line: directive.line, message: `usage: ${directive.verb} <path>` });
    return undefined;
  }
  return only.text;
}

function readReplace(directive: Directive, errors: GoModSyntaxError[]): GoReplace | undefined {
  const arrowAt = directive.args.findIndex((t) => t.kind === 'arrow');
  const left = arrowAt < 0 ? [] : directive.args.slice(0, arrowAt);
  const right = arrowAt < 0 ? [] : directive.args.slice(arrowAt + 1);
  const wellFormed =
    left.length >= 1 &&
    left.length <= 2 &&
    right.length >= 1 &&
    right.length <= 2 &&
    left.every(isValue) &&
    right.every(isValue);
  if (!wellFormed) {
    errors.push({
      line: directive.line,
      message: 'usage: replace module/path [v1.2.3] => other/module v1.4 | replace module/path [v1.2.3] => ../local/directory',
    });
    return undefined;
  }
  return {
    from: left[0].text,
    fromVersion: left[1]?.text,
    to: right[0].text,
    toVersion: right[1]?.text,
    line: directive.line,
  };
}

function isValue(token: Token): boolean {
  return token.kind === 'word' || token.kind === 'string';
}

/**
 * Flattens block form (`verb ( ... )`) into one directive per line so callers
 * never need to know which syntax the author chose.
 */
function readDirectives(text: string, errors: GoModSyntaxError[]): Directive[] {
  const directives: Directive[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  let blockVerb: string | undefined;
  let blockLine = 0;

  lines.forEach((raw, index) => {
    const line = index + 1;
    const { tokens, error } = tokenizeLine(raw);
    if (error) {
      errors.push({ line, message: error });
      return;
    }
    if (tokens.length === 0) {
      return;
    }

    if (blockVerb !== undefined) {
      if (tokens.length === 1 && tokens[0].kind === 'rparen') {
        blockVerb = undefined;
        return;
      }
      if (tokens.some((t) => t.kind === 'lparen' || t.kind === 'rparen')) {
        errors.push({ line, message: 'unexpected parenthesis inside block' });
        return;
      }
      directives.push({ verb: blockVerb, args: tokens, line });
      return;
    }

    const [head, ...args] = tokens;
    if (head.kind !== 'word') {
      errors.push({ line, message: `unexpected ${describe(head)}` });
      return;
    }
    if (args.length >= 1 && args[0].kind === 'lparen') {
      if (args.length === 1) {
        blockVerb = head.text;
        blockLine = line;
        return;
      }
      if (args.length === 2 && args[1].kind === 'rparen') {
        return; // `require ()` is an empty block and legal.
      }
      errors.push({ line, message: 'block opening must end the line' });
      return;
    }
    if (args.some((t) => t.kind === 'lparen' || t.kind === 'rparen')) {
      errors.push({ line, message: 'unexpected parenthesis' });
      return;
    }
    directives.push({ verb: head.text, args, line });
  });

  if (blockVerb !== undefined) {
    errors.push({ line: blockLine, message: `unclosed ${blockVerb} block` });
  }
  return directives;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'arrow':
      return "'=>'";
    case 'lparen':
      return "'('";
    case 'rparen':
      return "')'";
    default:
      return `'${token.text}'`;
  }
}

function tokenizeLine(line: string): LineTokens {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (WHITESPACE.has(ch)) {
      i += 1;
      continue;
    }
    if (line.startsWith('//', i)) {
      break;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', text: ch });
      i += 1;
      continue;
    }
    if (line.startsWith('=>', i)) {
      tokens.push({ kind: 'arrow', text: '=>' });
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = line.indexOf('`', i + 1);
      if (end < 0) {
        return { tokens, error: 'unterminated raw string' };
      }
      tokens.push({ kind: 'string', text: line.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      const end = findClosingQuote(line, i + 1);
      if (end < 0) {
        return { tokens, error: 'unterminated quoted string' };
      }
      const decoded = decodeInterpretedString(line.slice(i + 1, end));
      if (decoded === undefined) {
        return { tokens, error: 'invalid escape in quoted string' };
      }
      tokens.push({ kind: 'string', text: decoded });
      i = end + 1;
      continue;
    }
    // A word runs to whitespace, a parenthesis, a quote, `//` or `=>` (one sticky regex: inference parses every go.mod).
    WORD.lastIndex = i;
    WORD.test(line);
    tokens.push({ kind: 'word', text: line.slice(i, WORD.lastIndex) });
    i = WORD.lastIndex;
  }
  return { tokens };
}

function findClosingQuote(line: string, from: number): number {
  for (let i = from; i < line.length; i += 1) {
    if (line[i] === '\\') {
      i += 1;
    } else if (line[i] === '"') {
      return i;
    }
  }
  return -1;
}
