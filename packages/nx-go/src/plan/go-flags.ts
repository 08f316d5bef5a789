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

/** Flags whose values accumulate across layers rather than the last one winning. */
const JOINED: Record<string, (values: string[]) => string> = {
  ldflags: (v) => v.join(' '),
  tags: (v) => [...new Set(v.flatMap((t) => t.split(/[,\s]+/)).filter(Boolean))].join(','),
  gcflags: (v) => v.join(' '),
};

/**
 * Layers are applied in order; a later plain flag replaces an earlier one of the same name, and
 * joined flags (-ldflags, -tags, -gcflags) are concatenated so that no layer's values are lost.
 * `go build` itself would silently keep only the last -ldflags.
 */
export function mergeFlags(...layers: ParsedFlag[][]): string[] {
  const order: string[] = [];
  const single = new Map<string, string | undefined>();
  const joined = new Map<string, string[]>();
  for (const flag of layers.flat()) {
    if (!order.includes(flag.name)) order.push(flag.name);
    if (JOINED[flag.name] && flag.value !== undefined) {
      joined.set(flag.name, [...(joined.get(flag.name) ?? []), flag.value]);
    } else {
      single.set(flag.name, flag.value);
    }
  }
  return order.map((name) => {
    const value = joined.has(name) ? JOINED[name](joined.get(name)!) : single.get(name);
    return value === undefined ? `-${name}` : `-${name}=${value}`;
  });
}

export function hasFlag(flags: ParsedFlag[], name: string): boolean {
  return flags.some((f) => f.name === name);
}
