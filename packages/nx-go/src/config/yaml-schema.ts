// A small typed schema walker over `yaml` documents: every error carries file, line, column, key and value.
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { parseYamlText, readYamlText, type YamlText } from './yaml-text';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** A JSON Schema fragment; see json-schema.ts, which assembles the shipped schemas from these. */
export type JsonSchema = Record<string, unknown>;

/**
 * What a key may hold. `describe` is the "expected …" half of an error sentence; `schema` is the same
 * rule as JSON Schema, kept beside `read` so that the editor's schema and the validator change together.
 */
export interface FieldType<T> {
  describe: string;
  schema: JsonSchema;
  read(node: Node | null, at: Locator): T | Invalid;
}

export const INVALID = Symbol('invalid');
export type Invalid = typeof INVALID;

export interface Locator {
  /** Report a problem at `node`, naming the dotted key path. Returns INVALID for convenience. */
  fail(node: Node | null, key: string, message: string): Invalid;
  key: string;
}

type Shape = Record<string, FieldType<unknown>>;
export type Parsed<S extends Shape> = { [K in keyof S]?: Exclude<ReturnType<S[K]['read']>, Invalid> };

function show(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isScalar(node)) return JSON.stringify(node.value);
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  return 'a value';
}

function scalar<T>(describe: string, schema: JsonSchema, accept: (s: Scalar) => T | undefined): FieldType<T> {
  return {
    describe,
    schema,
    read(node, at) {
      if (node && isScalar(node)) {
        const value = accept(node);
        if (value !== undefined) return value;
      }
      return at.fail(node, at.key, `${show(node)} is not valid; expected ${describe}`);
    },
  };
}

export const string = scalar('a string', { type: 'string' }, (s) => (typeof s.value === 'string' ? s.value : undefined));

export const boolean = scalar('true or false', { type: 'boolean' }, (s) => (typeof s.value === 'boolean' ? s.value : undefined));

export const positiveInteger = scalar('a whole number of at least 1', { type: 'integer', minimum: 1 }, (s) =>
  typeof s.value === 'number' && Number.isInteger(s.value) && s.value >= 1 ? s.value : undefined,
);

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;

/** Parses a Go duration string (`60s`, `1m30s`, `500ms`) into milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  if (text.length === 0) return undefined;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const m = DURATION_PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * DURATION_UNITS[m[2]];
  }
  return total > 0 ? total : undefined;
}

/** parseDuration as JSON Schema: one or more number+unit parts, not all of them zero. */
const DURATION_SCHEMA: JsonSchema = {
  type: 'string',
  pattern: '^(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+$',
  not: { pattern: '^(0+(\\.0+)?(ns|us|µs|ms|s|m|h))+$' },
};

export const duration = scalar('a Go duration such as 60s, 1m30s or 500ms', DURATION_SCHEMA, (s) =>
  typeof s.value === 'string' ? parseDuration(s.value) : undefined,
);

/**
 * `itemSchema` is `check` as JSON Schema. Where a check cannot be written as a pattern (a path that
 * normalises outside the worker), the schema is the closest pattern and json-schema.spec.ts names the gap.
 */
export function stringList(itemDescribe = 'a string', check: (s: string) => boolean = () => true, itemSchema: JsonSchema = {}): FieldType<string[]> {
  const describe = itemDescribe === 'a string' ? 'a list of strings' : `a list in which each item is ${itemDescribe}`;
  return {
    describe,
    schema: { type: 'array', items: { type: 'string', ...itemSchema } },
    read(node, at) {
      if (!node || !isSeq(node)) return at.fail(node, at.key, `${show(node)} is not valid; expected ${describe}`);
      const out: string[] = [];
      let ok = true;
      node.items.forEach((item, i) => {
        const n = item as Node;
        if (isScalar(n) && typeof n.value === 'string' && check(n.value)) out.push(n.value);
        else {
          at.fail(n, `${at.key}[${i}]`, `${show(n)} is not valid; expected ${itemDescribe}`);
          ok = false;
        }
      });
      return ok ? out : INVALID;
    },
  };
}

/** Environment maps: names are identifiers; scalar values are stringified as a shell would see them. */
export const envMap: FieldType<Record<string, string>> = {
  describe: 'a mapping of variable names to values',
  schema: {
    type: 'object',
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  },
  read(node, at) {
    if (!node || !isMap(node)) return at.fail(node, at.key, `${show(node)} is not valid; expected a mapping of variable names to values`);
    const out: Record<string, string> = {};
    let ok = true;
    for (const pair of node.items) {
      const k = pair.key as Node;
      const v = pair.value as Node | null;
      const name = isScalar(k) ? String(k.value) : '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        at.fail(k, `${at.key}.${name}`, `${show(k)} is not a valid variable name; expected letters, digits and _`);
        ok = false;
      } else if (v && isScalar(v) && ['string', 'number', 'boolean'].includes(typeof v.value)) {
        out[name] = String(v.value);
      } else {
        at.fail(v, `${at.key}.${name}`, `${show(v)} is not valid; expected a string value`);
        ok = false;
      }
    }
    return ok ? out : INVALID;
  },
};

export function object<S extends Shape>(shape: S): FieldType<Parsed<S>> {
  const describe = `a mapping with keys ${Object.keys(shape).join(', ')}`;
  return {
    describe,
    // An empty section (`build:` with nothing under it) reads as {}, hence null.
    schema: {
      type: ['object', 'null'],
      properties: Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, f.schema])),
      additionalProperties: false,
    },
    read(node, at) {
      if (node && isScalar(node) && node.value === null) return {};
      if (!node || !isMap(node)) return at.fail(node, at.key, `${show(node)} is not valid; expected ${describe}`);
      const out: Record<string, unknown> = {};
      let ok = true;
      for (const pair of node.items) {
        const k = pair.key as Node;
        const name = isScalar(k) ? String(k.value) : show(k);
        const path = at.key ? `${at.key}.${name}` : name;
        const field = shape[name];
        if (!field) {
          at.fail(k, path, `unknown key; expected one of ${Object.keys(shape).join(', ')}`);
          ok = false;
          continue;
        }
        const value = field.read(pair.value as Node | null, { ...at, key: path });
        if (value === INVALID) ok = false;
        else out[name] = value;
      }
      return ok ? (out as Parsed<S>) : INVALID;
    },
  };
}

/**
 * Parses `text` as YAML and validates the top-level `section` against `shape`; other top-level keys
 * belong to other parts of TQServer and are left alone. Throws ConfigError listing every problem.
 */
export function readSection<S extends Shape>(file: string, text: string, section: string, shape: S): Parsed<S> {
  return readYamlText(text, (parsed) => readParsedSection(file, parsed, section, shape));
}

function readParsedSection<S extends Shape>(file: string, { contents, errors, lineCounter }: YamlText, section: string, shape: S): Parsed<S> {
  const problems: string[] = [];
  const where = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return `${file}:${line}:${col}`;
  };
  for (const e of errors) problems.push(`${where(e.pos[0])}: YAML syntax error: ${e.message.split('\n')[0]}`);
  if (problems.length) throw new ConfigError(problems);

  const root = contents;
  if (root === null || (isScalar(root) && root.value === null)) return {};
  if (!isMap(root)) throw new ConfigError([`${where(root.range?.[0])}: expected a YAML mapping at the top level, found ${show(root)}`]);
  const sectionNode = root.get(section, true) as Node | undefined;
  if (sectionNode === undefined) return {};

  const locator: Locator = {
    key: section,
    fail(node, key, message) {
      problems.push(`${where(node?.range?.[0] ?? sectionNode.range?.[0])}: ${key}: ${message}`);
      return INVALID;
    },
  };
  const value = object(shape).read(sectionNode, locator);
  if (value === INVALID || problems.length) throw new ConfigError(problems);
  return value;
}

/** A list whose items each have type `item`. */
export function listOf<T>(item: FieldType<T>): FieldType<T[]> {
  const describe = `a list in which each item is ${item.describe}`;
  return {
    describe,
    schema: { type: 'array', items: item.schema },
    read(node, at) {
      if (!node || !isSeq(node)) return at.fail(node, at.key, `${show(node)} is not valid; expected ${describe}`);
      const out: T[] = [];
      let ok = true;
      node.items.forEach((n, i) => {
        const value = item.read(n as Node, { ...at, key: `${at.key}[${i}]` });
        if (value === INVALID) ok = false;
        else out.push(value);
      });
      return ok ? out : INVALID;
    },
  };
}

/** A mapping from names that `isName` accepts (described by `nameDescribe`) to values of type `value`. */
export function mapOf<T>(value: FieldType<T>, nameDescribe: string, isName: (s: string) => boolean): FieldType<Record<string, T>> {
  const describe = `a mapping of ${nameDescribe} to ${value.describe}`;
  return {
    describe,
    // An empty mapping may be written as nothing at all; names are checked by isName, which JSON Schema cannot express.
    schema: { type: ['object', 'null'], additionalProperties: value.schema },
    read(node, at) {
      if (node && isScalar(node) && node.value === null) return {};
      if (!node || !isMap(node)) return at.fail(node, at.key, `${show(node)} is not valid; expected ${describe}`);
      const out: Record<string, T> = {};
      let ok = true;
      for (const pair of node.items) {
        const k = pair.key as Node;
        const name = isScalar(k) ? String(k.value) : show(k);
        if (!isName(name)) {
          at.fail(k, `${at.key}.${name}`, `${show(k)} is not a valid name; expected ${nameDescribe}`);
          ok = false;
          continue;
        }
        const v = value.read(pair.value as Node | null, { ...at, key: `${at.key}.${name}` });
        if (v === INVALID) ok = false;
        else out[name] = v;
      }
      return ok ? out : INVALID;
    },
  };
}

/**
 * `file:line:col` of the value at `path` in a YAML text that readSection accepted, for checks that span
 * several keys and so run after the walk. `offset` points inside a plain or quoted one-line string
 * (a template error); elsewhere the position of the value itself is given.
 */
export function locate(file: string, text: string, path: ReadonlyArray<string | number>, offset?: number): string {
  const { contents, lineCounter } = parseYamlText(text);
  const getIn = (p: ReadonlyArray<string | number>): Node | undefined =>
    p.length === 0 ? (contents ?? undefined) : isMap(contents) || isSeq(contents) ? (contents.getIn(p, true) as Node | undefined) : undefined;
  let node = getIn(path);
  for (let n = path.length - 1; node === undefined && n >= 0; n--) node = getIn(path.slice(0, n));
  let start = node?.range?.[0] ?? 0;
  if (node && isScalar(node) && typeof node.value === 'string' && offset !== undefined) {
    const source = text.slice(node.range![0], node.range![1]);
    const quote = source[0] === '"' || source[0] === "'" ? 1 : 0;
    // Only when the source is the value verbatim is an offset into the value an offset into the file.
    if (source.slice(quote, quote + node.value.length) === node.value) start += quote + offset;
  }
  const { line, col } = lineCounter.linePos(start);
  return `${file}:${line}:${col}`;
}
