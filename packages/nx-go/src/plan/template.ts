// The one template language of the plugin: the subset of Go's text/template that distbuild's commands use.
//
// Supported actions: {{.Name}} (a variable), {{index .Deps "dep"}} (a dependency's output directory),
// {{"text"}} / {{`text`}} (a literal, Go's way to write "{{"), {{/* comment */}}, and the trim markers
// {{- and -}}. Anything else is an error with its offset, so that config errors can point at it.

/** A reference keeps `at`, its action's offset, so that a later check can point at it. */
export type Segment = { text: string } | { field: string; at: number } | { dep: string; at: number };

export class TemplateError extends Error {
  /** Offset in the template where the bad action starts. */
  constructor(readonly offset: number, message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** What a template may name; `deps` undefined means that the template may not use .Deps at all. */
export interface TemplateScope {
  fields: readonly string[];
  deps?: readonly string[];
}

export interface TemplateValues {
  fields: Record<string, string>;
  deps?: Record<string, string>;
}

const SPACE = /[ \t\r\n]/;

function expected(scope?: TemplateScope): string {
  const forms = (scope?.fields ?? []).map((f) => `{{.${f}}}`);
  if (scope?.deps !== undefined) forms.push('{{index .Deps "<dep>"}}');
  return forms.length ? forms.join(', ') : 'no variables';
}

/** Go's interpreted string literal: the escapes Go writes, nothing more. */
function unquote(body: string, at: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (e in simple) out += simple[e];
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw new TemplateError(at, `unknown escape sequence \\${e ?? ''} in a string literal`);
  }
  return out;
}

type Token = { kind: 'field'; name: string } | { kind: 'ident'; name: string } | { kind: 'string'; value: string };

/** Splits the inside of one action into tokens; `start` is the action's offset, for errors. */
function lex(inner: string, start: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < inner.length) {
    const c = inner[i];
    if (SPACE.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < inner.length && inner[j] !== '"') j += inner[j] === '\\' ? 2 : 1;
      if (j >= inner.length) throw new TemplateError(start, 'unterminated string literal');
      tokens.push({ kind: 'string', value: unquote(inner.slice(i + 1, j), start) });
      i = j + 1;
    } else if (c === '`') {
      const j = inner.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(start, 'unterminated raw string literal');
      tokens.push({ kind: 'string', value: inner.slice(i + 1, j) });
      i = j + 1;
    } else {
      const m = /^\.?[A-Za-z_][A-Za-z0-9_]*/.exec(inner.slice(i));
      if (!m) throw new TemplateError(start, `unexpected ${JSON.stringify(inner.slice(i).split(SPACE)[0])} in an action`);
      tokens.push(m[0].startsWith('.') ? { kind: 'field', name: m[0].slice(1) } : { kind: 'ident', name: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Finds the `}}` that closes the action opened at `from`, skipping quoted text as Go's lexer does. */
function closeOf(src: string, from: number, start: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      i = j < 0 ? src.length : j + 1;
    } else if (src.startsWith('}}', i)) {
      return i;
    } else i++;
  }
  throw new TemplateError(start, 'unclosed action: "{{" without a matching "}}"');
}

function action(tokens: Token[], start: number, text: string): Segment | undefined {
  const [a, b, c] = tokens;
  if (tokens.length === 1 && a.kind === 'field') {
    if (a.name === 'Deps') throw new TemplateError(start, `${text}: .Deps is a map; write {{index .Deps "<dep>"}}`);
    return { field: a.name, at: start };
  }
  if (tokens.length === 1 && a.kind === 'string') return { text: a.value };
  if (tokens.length === 3 && a.kind === 'ident' && a.name === 'index' && b.kind === 'field' && b.name === 'Deps' && c.kind === 'string') return { dep: c.value, at: start };
  if (a?.kind === 'ident' && a.name === 'index') throw new TemplateError(start, `${text}: index takes exactly .Deps and a quoted dep name, as in {{index .Deps "gen"}}`);
  if (a?.kind === 'ident') throw new TemplateError(start, `${text}: unknown function ${JSON.stringify(a.name)}; only index is supported`);
  throw new TemplateError(start, `${text} is not supported`);
}

/** Parses a template into text and references; throws TemplateError on a syntax error. */
export function parseTemplate(src: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) out.push({ text });
      break;
    }
    // "{{- " trims the whitespace before the action; the space is required, as in Go ("{{-3}}" is a number).
    let from = open + 2;
    if (/^- /.test(src.slice(from)) || /^-[\t\r\n]/.test(src.slice(from))) {
      text = text.replace(/[ \t\r\n]+$/, '');
      from += 1;
    }
    if (text) out.push({ text });
    if (src.startsWith('/*', from) || /^\s\/\*/.test(src.slice(from, from + 3))) {
      const end = src.indexOf('*/', from);
      if (end < 0) throw new TemplateError(open, 'unclosed comment');
      const rest = src.slice(end + 2);
      const close = /^ ?-?}}/.exec(rest) ?? /^\s*-?}}/.exec(rest);
      if (!close) throw new TemplateError(open, 'a comment must end right before "}}"');
      trimNext = close[0].includes('-');
      i = end + 2 + close[0].length;
      continue;
    }
    const close = closeOf(src, from, open);
    let inner = src.slice(from, close);
    if (/[ \t\r\n]-$/.test(inner)) {
      inner = inner.slice(0, -1);
      trimNext = true;
    }
    const whole = src.slice(open, close + 2);
    const tokens = lex(inner, open);
    if (tokens.length === 0) throw new TemplateError(open, `${whole}: empty action`);
    const segment = action(tokens, open, whole);
    if (segment) out.push(segment);
    i = close + 2;
  }
  return merge(out);
}

function merge(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if ('text' in s && last && 'text' in last) out[out.length - 1] = { text: last.text + s.text };
    else out.push(s);
  }
  return out;
}

/** The first problem of `src` against `scope`: syntax, unknown variable or unknown dep. */
export function checkTemplate(src: string, scope: TemplateScope): TemplateError | undefined {
  try {
    parseAndCheck(src, scope);
    return undefined;
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
}

function parseAndCheck(src: string, scope: TemplateScope): Segment[] {
  const segments = parseTemplate(src);
  for (const s of segments) {
    if ('text' in s) continue;
    const { at } = s;
    if ('field' in s && !scope.fields.includes(s.field)) {
      throw new TemplateError(at, `unknown variable {{.${s.field}}}; expected ${expected(scope)}`);
    }
    if ('dep' in s) {
      if (scope.deps === undefined) throw new TemplateError(at, `{{index .Deps ${JSON.stringify(s.dep)}}} is not available here; expected ${expected(scope)}`);
      if (!scope.deps.includes(s.dep)) {
        const known = scope.deps.length ? `one of ${scope.deps.map((d) => JSON.stringify(d)).join(', ')}` : 'none: this has no deps';
        throw new TemplateError(at, `{{index .Deps ${JSON.stringify(s.dep)}}} names an unknown dep; expected ${known}`);
      }
    }
  }
  return segments;
}

/** Expands `src`; every variable and dep it names must have a value, else TemplateError. */
export function renderTemplate(src: string, values: TemplateValues): string {
  const scope: TemplateScope = { fields: Object.keys(values.fields), deps: values.deps ? Object.keys(values.deps) : undefined };
  return parseAndCheck(src, scope)
    .map((s) => ('text' in s ? s.text : 'field' in s ? values.fields[s.field] : values.deps![s.dep]))
    .join('');
}

/** Every dep a template names, in order; empty for a template that does not parse (its check reports it). */
export function templateDeps(src: string): string[] {
  try {
    return parseTemplate(src).flatMap((s) => ('dep' in s ? [s.dep] : []));
  } catch {
    return [];
  }
}
