import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseSimpleYaml, parseYamlText, readYamlText } from './yaml-text';

/** The shape readers see: node kinds, scalar types and values. */
function shape(node: Node | null | undefined): unknown {
  if (node === null || node === undefined) return ['none'];
  if (isScalar(node)) return ['scalar', typeof node.value, node.value];
  if (isMap(node)) return ['map', node.items.map((p) => [shape(p.key as Node), shape(p.value as Node | null)])];
  if (isSeq(node)) return ['seq', node.items.map((n) => shape(n as Node))];
  return ['other'];
}

/** The fast reader either declines or gives what yaml gives, for a text yaml accepts. */
function expectAgrees(text: string): 'fast' | 'declined' {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return 'declined';
  const full = parseYamlText(text);
  if (full.errors.length > 0) throw new Error(`fast reader accepted a text yaml rejects (${full.errors[0].message}):\n${text}`);
  try {
    expect(shape(fast.contents)).toEqual(shape(full.contents));
  } catch (e) {
    throw new Error(`fast reader disagrees with yaml on:\n${JSON.stringify(text)}\n${(e as Error).message}`);
  }
  return 'fast';
}

/** mulberry32: seeded, so a failure names a text that reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON_KEYS = ['build', 'timeout', 'env', 'flags', 'dir', 'cross_compile', 'platforms'];
const COMMON_VALUES = ['30s', '0', '12', 'true', 'false', '"0"', "'x'", '-trimpath', 'linux/amd64', './src', 'a b # c', '~', ''];
const KEYS = ['build', 'timeout', 'env', 'flags', 'a b', '-x', 'true', '1', '010', '0x1F', '1.5', 'null', '~', '"q"', "'s'", '"a: b"', 'x:y', 'k #c', 'k#c', '<<', '? k', '[k]', '&a k', '*a', '!t k', 'é', 'on'];
const VALUES = [
  '30s', '1m30s', '0', '010', '-1', '+5', '007', '1.5', '1e3', '.5', '0x1F', '0o17', '.inf', '-.Inf', '.nan', '~', 'null', 'Null', 'NULL', 'nULL',
  'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'no', 'on', '"0"', '"a\\"b"', '"a # b"', "'it''s'", "''", '""', '"x" # c', '"x"y', "'x'y",
  '-buildmode=exe', '-X main.Version={{.Version}}', '- a', '-', 'a: b', 'a:b', 'http://x:80/p', 'a #c', 'a#c', '#c', '[a, b]', '{a: 1}',
  '&anchor v', '*ref', '!!str 1', '|', '>-', '%x', '@x', '`x`', 'a, b', 'a]', 'a}', '? x', ': x', 'x:', 'x :', "'unterminated", '"unterminated',
  'CGO_ENABLED=0', 'linux/amd64', './src', 'a  b', 'é', '"é"', "'a\"b'", '"it\'s"', '',
];

/** Whitespace to JavaScript's trim(), text to YAML; and the zero-width space, which is neither. */
const UNICODE_SPACES = ['\u00a0', '\u1680', '\u2000', '\u2009', '\u200a', '\u200b', '\u202f', '\u205f', '\u3000', '\u0085', '\u2028'];

function generate(next: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)];
  const key = () => pick(next() < 0.7 ? COMMON_KEYS : KEYS);
  const value = () => pick(next() < 0.7 ? COMMON_VALUES : VALUES);
  const out: string[] = [];
  const emit = (depth: number, indent: number) => {
    const asSeq = depth > 0 && next() < 0.3;
    const n = 1 + Math.floor(next() * 4);
    for (let i = 0; i < n; i++) {
      const pad = ' '.repeat(indent + (next() < 0.05 ? 1 : 0));
      if (next() < 0.1) out.push(next() < 0.5 ? '' : `${' '.repeat(Math.floor(next() * 4))}# comment`);
      if (asSeq) {
        out.push(`${pad}- ${value()}`);
        continue;
      }
      const k = key();
      if (depth < 3 && next() < 0.35) {
        out.push(`${pad}${k}:${next() < 0.2 ? ' # c' : ''}`);
        const compact = next() < 0.25;
        emit(depth + 1, compact ? indent : indent + 1 + Math.floor(next() * 4));
      } else {
        out.push(`${pad}${k}: ${value()}`);
      }
    }
  };
  emit(0, 0);
  let text = out.join('\n') + (next() < 0.5 ? '\n' : '');
  if (next() < 0.15) {
    // A random damage: a character that YAML gives a meaning to, inserted anywhere.
    const at = Math.floor(next() * (text.length + 1));
    text = text.slice(0, at) + pick([':', '-', '#', '"', "'", '\t', '\r', '{', '[', '&', '*', '!', '|', '>', ' ', '\n', '---\n', '\ufeff', ...UNICODE_SPACES]) + text.slice(at);
  }
  return text;
}

describe('the fast YAML reader', () => {
  it('reads the plain block style of config files, as yaml does', () => {
    const texts = [
      '',
      '# only a comment\n',
      'build:\n',
      'name: w0000\nport: 9000\n\nbuild:\n  timeout: 30s\n  env:\n    CGO_ENABLED: "0"\n  flags:\n    - "-buildmode=exe"\n',
      'build:\n  flags:\n  - -trimpath\n  - -ldflags=-s -w # stripped\n  validate: false\n  dir: ./src\n',
      "type: go\nenabled: development\nbuild:\n  cross_compile:\n    platforms: # the matrix\n      - linux/amd64\n      - 'darwin/arm64'\n    cgo: true\n",
      'a: ~\nb: null\nc: 12\nd: -3\ne: true\nf: FALSE\ng: 010\nh: "x" # c\ni: \'it\'\'s\'\n',
      Array.from({ length: 64 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
    ];
    for (const text of texts) expect(expectAgrees(text)).toBe('fast');
  });

  it('declines what it does not read, and yaml reads those', () => {
    const texts = [
      'a: 1.5', 'a: 0x1F', 'a: .inf', 'a: |\n  x\n', 'a: [1, 2]', 'a: {b: 1}', 'a: &x 1\nb: *x', 'a: !!str 1', 'a: "x\\ty"',
      'a: x\n  continued', 'a:\n  - b: 1', 'a:\n  -\n    b', '---\na: 1', 'a: 1\r\nb: 2', 'a:\t1', 'a: 1\na: 2', '<<: x', 'a: "open',
      // Unicode spaces are text to YAML, though JavaScript's trim() removes them (found by review).
      'a: b\u00a0\n', 'a\u3000: 1\n', 'a:\n  b: 1\n\u00a0 c: 2\n', 'build:\n  flags\u2009:\n    - -race\n', 'enabled: false\u202f\n',
      // Deeper than yaml's stack allows near 900 levels (found by review): left to yaml, which may fail.
      Array.from({ length: 65 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
    ];
    for (const text of texts) expect(expectAgrees(text)).toBe('declined');
  });

  it('agrees with yaml on 20000 generated texts, or declines them', () => {
    const next = random(20261122);
    let fast = 0;
    for (let i = 0; i < 20000; i++) if (expectAgrees(generate(next)) === 'fast') fast++;
    // The generator is not a pile of texts the reader declines: a good share is read fast.
    expect(fast).toBeGreaterThan(2000);
  });

  it("reads the example workers' config files in this repository fast (jobs: sections are left to yaml)", () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const files: string[] = [];
    for (const base of ['workers', 'examples/tqserver/workers']) {
      const dir = join(root, base);
      if (!existsSync(dir)) continue;
      for (const w of readdirSync(dir)) {
        for (const f of ['config.yaml', 'config/worker.yaml']) if (existsSync(join(dir, w, f))) files.push(join(dir, w, f));
      }
    }
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // Job definitions use flow sequences and mappings inside sequences, outside the subset.
      expect([file, expectAgrees(text)]).toEqual([file, /^\s+jobs:/m.test(text) ? 'declined' : 'fast']);
    }
  });

  it("reports problems from yaml's parse, with yaml's positions", () => {
    const seen: string[] = [];
    const value = readYamlText('a: 1\nb: x\n', (parsed) => {
      seen.push(parsed.errors === undefined ? 'none' : parsed.contents?.range ? 'yaml' : 'fast');
      if (seen.length === 1) throw new Error('a problem');
      return parsed.lineCounter.linePos((parsed.contents as unknown as { items: Array<{ value: Node }> }).items[1].value.range![0]);
    });
    expect(seen).toEqual(['fast', 'yaml']);
    expect(value).toEqual({ line: 2, col: 4 });
  });
});
