// Parsing a config file's YAML: a fast reader for the plain block style config files are written in, and
// `yaml` itself for everything else, and for every file that has anything to report.
//
// Inference parses every worker's config on every cold graph computation, and `yaml`'s composer costs
// about 0.25 ms per small file on a cold JIT (a quarter of a second at 1000 workers). The reader below
// accepts only a conservative subset (block mappings and sequences of one-line scalars, comments) and
// builds the same `yaml` nodes `parseDocument` would. Any text outside the subset, and any read that
// finds a problem, is parsed again by `yaml`, so every error message and position comes from `yaml`.
// yaml-text.spec.ts checks the subset against `yaml` on generated texts.
import { LineCounter, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';

export interface YamlText {
  /** The document's top-level node; null for an empty document. */
  contents: Node | null;
  errors: ReadonlyArray<{ pos: [number, number]; message: string }>;
  lineCounter: LineCounter;
}

/** `yaml`'s own parse. */
export function parseYamlText(text: string): YamlText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  return { contents: doc.contents as Node | null, errors: doc.errors, lineCounter };
}

/**
 * `read(parsed text)`. The fast reader's parse is used when the text is in its subset and `read` returns;
 * otherwise (outside the subset, or `read` throws) the result is `read` over `yaml`'s parse, so that
 * every error is reported exactly as `yaml` alone would have it.
 */
export function readYamlText<T>(text: string, read: (parsed: YamlText) => T): T {
  const fast = parseSimpleYaml(text);
  if (fast !== undefined) {
    try {
      return read(fast);
    } catch {
      // Reported from yaml's parse below, with yaml's positions.
    }
  }
  return read(parseYamlText(text));
}

/** Outside the subset: the caller falls back to `yaml`. */
class Unsupported extends Error {}

// The YAML 1.2 core schema, which `yaml` uses by default, for plain scalars.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const DECIMAL = /^[-+]?[0-9]+$/;
/** The core schema's other numbers (octal, hex, floats, infinities, NaN): left to `yaml`. */
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/**
 * Characters the subset never reads: tabs, carriage returns, other controls, BOM, Unicode line breaks,
 * and every whitespace character but the space and the newline. YAML's only spaces are the space and the
 * tab, while JavaScript's trim() also removes U+00A0, U+3000 and the like, which are text to YAML: with
 * them excluded, every trim below removes exactly what YAML would.
 */
const UNSUPPORTED_CHARS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]|[^\S \n]/;
/** A plain scalar may not start with these (or with -, ? or : followed by a space). */
const INDICATOR_START = /^(?:[[\]{},&*!|>%@`'"#]|[-?:](?: |$))/;

function plainValue(source: string): Scalar {
  if (NULL.test(source)) return new Scalar(null);
  if (BOOL.test(source)) return new Scalar(source[0] === 't' || source[0] === 'T');
  if (DECIMAL.test(source)) return new Scalar(parseInt(source, 10));
  if (OTHER_NUMBER.test(source)) throw new Unsupported();
  return new Scalar(source);
}

/** After a closing quote: nothing, or spaces and a comment. */
const QUOTED_TAIL = /^(?: +(?:#.*)?)?$/;

/** A quoted scalar at the start of `s`: [value, the rest of `s` after the closing quote]. */
function quoted(s: string): [string, string] {
  if (s[0] === '"') {
    const end = s.indexOf('"', 1);
    const body = end < 0 ? '' : s.slice(1, end);
    if (end < 0 || body.includes('\\')) throw new Unsupported();
    return [body, s.slice(end + 1)];
  }
  let value = '';
  for (let i = 1; i < s.length; i++) {
    if (s[i] !== "'") value += s[i];
    else if (s[i + 1] === "'") value += "'", i++;
    else return [value, s.slice(i + 1)];
  }
  throw new Unsupported();
}

/** The value written after `key:` or `- `, on one line; '' and comments mean an empty value. */
function inlineScalar(s: string): Scalar {
  if (s[0] === '"' || s[0] === "'") {
    const [value, tail] = quoted(s);
    if (!QUOTED_TAIL.test(tail)) throw new Unsupported();
    return new Scalar(value);
  }
  if (INDICATOR_START.test(s)) throw new Unsupported();
  const comment = s.indexOf(' #');
  const plain = (comment < 0 ? s : s.slice(0, comment)).trimEnd();
  if (plain.includes(': ') || plain.endsWith(':')) throw new Unsupported();
  return plainValue(plain);
}

/** `key: rest` → [key node, rest]; the key is a one-line plain or quoted scalar. */
function keyOf(content: string): [Scalar, string] {
  if (content[0] === '"' || content[0] === "'") {
    const [value, tail] = quoted(content);
    if (!(tail === ':' || tail.startsWith(': '))) throw new Unsupported();
    return [new Scalar(value), tail.slice(1)];
  }
  let colon = content.indexOf(':');
  while (colon >= 0 && colon + 1 < content.length && content[colon + 1] !== ' ') colon = content.indexOf(':', colon + 1);
  if (colon <= 0) throw new Unsupported();
  const source = content.slice(0, colon).trimEnd();
  if (INDICATOR_START.test(source) || source.includes(' #') || source === '<<') throw new Unsupported();
  const key = plainValue(source);
  if (key.value === null) throw new Unsupported();
  return [key, content.slice(colon + 1)];
}

interface Line {
  indent: number;
  content: string;
}

const isItem = (content: string) => content === '-' || content.startsWith('- ');
/** What follows `key:` when the value is on the next lines (or absent): nothing, or spaces and a comment. */
const isEmptyValue = (rest: string) => /^(?: +#.*)?$/.test(rest);
/** yaml limits implicit keys to 1024 characters; long lines are left to it. */
const MAX_LINE = 1000;

/**
 * Parses `text` into `yaml` nodes when it is in the subset; undefined otherwise. Ranges are not set: a
 * reader that needs a position has found a problem, and problems are reported from `yaml`'s parse.
 */
export function parseSimpleYaml(text: string): YamlText | undefined {
  if (UNSUPPORTED_CHARS.test(text)) return undefined;
  const lineCounter = new LineCounter();
  const lines: Line[] = [];
  let start = 0;
  for (const raw of text.split('\n')) {
    lineCounter.addNewLine(start);
    start += raw.length + 1;
    const content = raw.trimStart();
    if (content === '' || content[0] === '#') continue;
    const indent = raw.length - content.length;
    if (raw.length > MAX_LINE) return undefined;
    // Document markers and directives.
    if (indent === 0 && (/^(?:---|\.\.\.)(?: |$)/.test(content) || content[0] === '%')) return undefined;
    lines.push({ indent, content: content.trimEnd() });
  }
  try {
    if (lines.length === 0) return { contents: null, errors: [], lineCounter };
    const [contents, next] = block(lines, 0, 1);
    if (next !== lines.length) return undefined;
    return { contents, errors: [], lineCounter };
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

/**
 * Deeper texts are left to yaml, which recurses per level and runs out of stack near 900 levels (found
 * by review): the reader must not accept a text that yaml cannot read. Config files nest a few levels.
 */
const MAX_DEPTH = 64;

/** The mapping or sequence starting at lines[i]: [node, index of the first line after it]. */
function block(lines: Line[], i: number, depth: number): [Node, number] {
  if (depth > MAX_DEPTH) throw new Unsupported();
  return isItem(lines[i].content) ? sequence(lines, i) : mapping(lines, i, depth);
}

function mapping(lines: Line[], i: number, depth: number): [Node, number] {
  const { indent } = lines[i];
  const map = new YAMLMap();
  const keys = new Set<unknown>();
  while (i < lines.length && lines[i].indent === indent && !isItem(lines[i].content)) {
    const [key, rest] = keyOf(lines[i].content);
    if (keys.has(key.value)) throw new Unsupported();
    keys.add(key.value);
    i++;
    let value: Node;
    if (!isEmptyValue(rest)) {
      value = inlineScalar(rest.trimStart());
    } else if (i < lines.length && lines[i].indent > indent) {
      [value, i] = block(lines, i, depth + 1);
    } else if (i < lines.length && lines[i].indent === indent && isItem(lines[i].content)) {
      [value, i] = sequence(lines, i);
    } else {
      value = new Scalar(null);
    }
    map.items.push(new Pair(key, value));
  }
  // A line indented more than this mapping's keys (a multi-line scalar, or a misindented key), or an
  // item of a sequence after its keys.
  if (i < lines.length && lines[i].indent >= indent) throw new Unsupported();
  return [map, i];
}

function sequence(lines: Line[], i: number): [Node, number] {
  const { indent } = lines[i];
  const seq = new YAMLSeq();
  while (i < lines.length && lines[i].indent === indent && isItem(lines[i].content)) {
    const rest = lines[i].content.slice(1).trimStart();
    // Empty items, nested sequences and mappings inside sequences are left to yaml.
    if (rest === '' || rest[0] === '#' || isItem(rest)) throw new Unsupported();
    seq.items.push(inlineScalar(rest));
    i++;
  }
  // A more indented line would continue an item over several lines. A key at this indent ends a compact
  // sequence (`flags:` then `- x` at the key's own indent), and the mapping goes on.
  if (i < lines.length && lines[i].indent > indent) throw new Unsupported();
  return [seq, i];
}
