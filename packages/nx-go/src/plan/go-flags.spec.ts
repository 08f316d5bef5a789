// Specifies how user `go build` flags are parsed and how flag layers merge into one argv.

import { hasFlag, mergeFlags, parseFlags, type ParsedFlag } from './go-flags';

describe('parseFlags', () => {
  it.each<[string, string[], ParsedFlag[]]>([
    ['inline value with spaces', ['-ldflags=-s -w'], [{ name: 'ldflags', value: '-s -w' }]],
    ['two-element value flag', ['-tags', 'production'], [{ name: 'tags', value: 'production' }]],
    ['two-element ldflags', ['-ldflags', '-s -w'], [{ name: 'ldflags', value: '-s -w' }]],
    ['double dash', ['--trimpath'], [{ name: 'trimpath' }]],
    ['double dash with value', ['--tags=a,b'], [{ name: 'tags', value: 'a,b' }]],
    ['boolean flag', ['-race'], [{ name: 'race' }]],
    ['boolean flag followed by another', ['-trimpath', '-race'], [{ name: 'trimpath' }, { name: 'race' }]],
    ['empty inline value', ['-ldflags='], [{ name: 'ldflags', value: '' }]],
    ['inline value containing =', ['-gcflags=all=-N -l'], [{ name: 'gcflags', value: 'all=-N -l' }]],
    ['value flag with nothing after it', ['-tags'], [{ name: 'tags' }]],
    ['the -mod flag', ['-mod', 'mod'], [{ name: 'mod', value: 'mod' }]],
    ['a hyphenated name', ['-a-b'], [{ name: 'a-b' }]],
    ['mixed forms in order', ['-v', '-p', '4', '-ldflags=-X a.b=c'], [{ name: 'v' }, { name: 'p', value: '4' }, { name: 'ldflags', value: '-X a.b=c' }]],
    ['nothing', [], []],
  ])('parses %s', (_label, flags, expected) => {
    expect(parseFlags(flags)).toEqual(expected);
  });

  it('does not let a boolean flag swallow the next element', () => {
    // "production" is not a flag, so the pair is refused rather than read as -trimpath=production.
    expect(() => parseFlags(['-trimpath', 'production'])).toThrow('"production"');
  });

  it.each([
    ['no dash', 'trimpath'],
    ['empty', ''],
    ['a lone dash', '-'],
    ['a lone double dash', '--'],
    ['triple dash', '---trimpath'],
    ['name starting with a digit', '-1'],
    ['a space-separated value in one element', '-tags production'],
  ])('rejects %s (%j), naming the flag and what was expected', (_label, flag) => {
    expect(() => parseFlags([flag])).toThrow(`flag ${JSON.stringify(flag)} is not a go build flag; expected`);
  });

  it('rejects a bad flag even after good ones', () => {
    expect(() => parseFlags(['-trimpath', 'race'])).toThrow('"race"');
  });
});

describe('mergeFlags', () => {
  const p = (...flags: string[]) => parseFlags(flags);

  it.each<[string, ParsedFlag[][], string[]]>([
    ['a single layer, normalised to -name=value', [p('-tags', 'a', '--trimpath')], ['-tags=a', '-trimpath']],
    ['ldflags joined across layers in order', [p('-ldflags=-s -w'), p('-ldflags=-X main.A=1'), p('-ldflags', '-X main.B=2')], ['-ldflags=-s -w -X main.A=1 -X main.B=2']],
    ['gcflags joined across layers', [p('-gcflags=-N'), p('-gcflags=-l')], ['-gcflags=-N -l']],
    ['tags deduplicated and comma-joined', [p('-tags=production'), p('-tags', 'production,extra'), p('-tags=a b')], ['-tags=production,extra,a,b']],
    ['tags with empty pieces', [p('-tags=,a,,b,')], ['-tags=a,b']],
    ['a later plain flag replaces an earlier one', [p('-buildmode=exe'), p('-buildmode=pie')], ['-buildmode=pie']],
    ['a later plain flag replaces one in the same layer', [p('-p=2', '-p=8')], ['-p=8']],
    ['a boolean flag appears once', [p('-trimpath'), p('--trimpath')], ['-trimpath']],
    ['a value replaced by the bare flag', [p('-buildvcs=false'), p('-buildvcs')], ['-buildvcs']],
    [
      'order of first appearance kept',
      [p('-buildvcs=false', '-ldflags=-s'), p('-trimpath', '-buildvcs=true', '-ldflags=-w'), p('-race')],
      ['-buildvcs=true', '-ldflags=-s -w', '-trimpath', '-race'],
    ],
    ['no layers', [], []],
    ['empty layers', [[], []], []],
  ])('%s', (_label, layers, expected) => {
    expect(mergeFlags(...layers)).toEqual(expected);
  });

  it('emits each flag name at most once', () => {
    const out = mergeFlags(p('-ldflags=-s', '-tags=a', '-trimpath'), p('-ldflags=-w', '-tags=b', '-trimpath'), p('-tags=a'));
    const names = out.map((f) => /^-([^=]+)/.exec(f)![1]);
    expect(new Set(names).size).toBe(names.length);
  });

  // Regression (go-flags.ts, JOINED.gcflags / JOINED.ldflags, fixed): Go reads `-gcflags=PATTERN=ARGS`, a package pattern
  // prefixing the whole argument list. Joining `all=-N -l` (the dev build's flag) with the user's
  // `all=-m` gives `-gcflags=all=-N -l all=-m`, which passes the literal argument "all=-m" to the
  // compiler ("open all=-m: no such file or directory"). Pattern-qualified values must stay separate
  // (`-gcflags=all=-N -l -gcflags=all=-m`), or be merged under one pattern (`-gcflags=all=-N -l -m`).
  it('never places a package pattern in the middle of a joined -gcflags value', () => {
    const out = mergeFlags(p('-gcflags=all=-N -l'), p('-gcflags=all=-m'));
    for (const f of out.filter((x) => x.startsWith('-gcflags='))) {
      const args = f.slice('-gcflags='.length).replace(/^[^\s=-][^\s=]*=/, '').split(/\s+/);
      expect(args.filter((a) => /^[^-][^=]*=/.test(a))).toEqual([]);
    }
    expect(out.join(' ')).toContain('-m');
  });
});

describe('hasFlag', () => {
  it.each([
    [['-mod=vendor'], 'mod', true],
    [['-mod', 'mod'], 'mod', true],
    [['-modfile=x'], 'mod', false],
    [['-trimpath'], 'mod', false],
    [[], 'mod', false],
  ])('%j has %s: %s', (flags, name, expected) => {
    expect(hasFlag(parseFlags(flags), name)).toBe(expected);
  });
});
