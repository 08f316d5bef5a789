// Merges `go build` flags from several layers into one argv: one -ldflags, one -tags, one -gcflags, no repeats.

/**
 * Flags that `go build` takes with a value. Go reads `-name value` and `-name=value` alike; we
 * normalise to `-name=value` so that each flag is one argv element.
 */
const VALUE_FLAGS = new Set([
  'asmflags', 'buildmode', 'buildvcs', 'compiler', 'gccgoflags', 'gcflags', 'installsuffix', 'ldflags',
  'mod', 'modfile', 'overlay', 'pgo', 'pkgdir', 'p', 'tags', 'toolexec', 'o', 'C', 'covermode', 'coverpkg',
]);

export interface ParsedFlag {
  name: string;
  value?: string;
}

/** Splits user flags (`-ldflags=-s -w`, `-tags production`, `--trimpath`) into name/value pairs. */
export function parseFlags(flags: readonly string[]): ParsedFlag[] {
  const out: ParsedFlag[] = [];
  for (let i = 0; i < flags.length; i++) {
    const raw = flags[i];
    const m = /^--?([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(raw);
    if (!m) {
      throw new Error(`flag ${JSON.stringify(raw)} is not a go build flag; expected a form such as -trimpath or -ldflags=-s -w`);
    }
    const [, name, inline] = m;
    if (inline !== undefined) out.push({ name, value: inline });
    else if (VALUE_FLAGS.has(name) && i + 1 < flags.length) out.push({ name, value: flags[++i] });
    else out.push({ name });
  }
  return out;
}

/** Tool-flag lists that accumulate across layers rather than the last one winning. */
const TOOL_FLAGS = new Set(['ldflags', 'gcflags', 'asmflags', 'gccgoflags']);

/**
 * `-gcflags=all=-N -l`: Go lets a tool-flag list start with a package pattern and `=`. For one
 * package the latest matching pattern wins, so lists are joined per pattern, never across patterns.
 */
function splitPattern(value: string): [pattern: string, args: string] {
  const m = /^([^\s=-][^\s=]*)=([\s\S]*)$/.exec(value);
  return m ? [m[1], m[2]] : ['', value];
}

/**
 * Layers are applied in order; a later plain flag replaces an earlier one of the same name. Tool
 * flags (-ldflags, -gcflags, …) are joined per package pattern and -tags are merged, so that no
 * layer's values are lost: `go build` itself would silently keep only the last -ldflags.
 */
export function mergeFlags(...layers: ParsedFlag[][]): string[] {
  const order: string[] = [];
  const single = new Map<string, string | undefined>();
  const tags: string[] = [];
  const tools = new Map<string, Map<string, string[]>>();
  for (const flag of layers.flat()) {
    if (!order.includes(flag.name)) order.push(flag.name);
    if (flag.name === 'tags' && flag.value !== undefined) {
      tags.push(...flag.value.split(/[,\s]+/).filter(Boolean));
    } else if (TOOL_FLAGS.has(flag.name) && flag.value !== undefined) {
      const [pattern, args] = splitPattern(flag.value);
      const byPattern = tools.get(flag.name) ?? new Map<string, string[]>();
      byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), args]);
      tools.set(flag.name, byPattern);
    } else {
      single.set(flag.name, flag.value);
    }
  }
  return order.flatMap((name) => {
    if (name === 'tags' && tags.length) return [`-tags=${[...new Set(tags)].join(',')}`];
    const byPattern = tools.get(name);
    if (byPattern) {
      return [...byPattern].map(([pattern, args]) => `-${name}=${pattern ? `${pattern}=` : ''}${args.join(' ')}`);
    }
    const value = single.get(name);
    return [value === undefined ? `-${name}` : `-${name}=${value}`];
  });
}

export function hasFlag(flags: ParsedFlag[], name: string): boolean {
  return flags.some((f) => f.name === name);
}
