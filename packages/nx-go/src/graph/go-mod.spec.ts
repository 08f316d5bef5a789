// Specifies how go.mod and go.work text is read: module lines, replace and use directives, and rejection of broken files.

import { isLocalReplacementPath, parseGoMod, parseGoWork } from './go-mod';

describe('parseGoMod', () => {
  it.each([
    ['plain', 'module example.com/acme/shared\n\ngo 1.22\n', 'example.com/acme/shared'],
    ['quoted', 'module "example.com/acme/quoted"\n', 'example.com/acme/quoted'],
    ['raw string', 'module `example.com/acme/raw`\n', 'example.com/acme/raw'],
    ['trailing comment', 'module example.com/acme/c // Deprecated: use d\n', 'example.com/acme/c'],
    ['CRLF', 'module example.com/acme/crlf\r\ngo 1.22\r\n', 'example.com/acme/crlf'],
    ['leading comments and BOM', '\uFEFF// header\n\n// more\nmodule example.com/acme/bom\n', 'example.com/acme/bom'],
    ['block form', 'module (\n\texample.com/acme/block\n)\n', 'example.com/acme/block'],
    ['escaped quote', 'module "example.com/acme/\\u0071"\n', 'example.com/acme/q'],
  ])('reads the module path (%s)', (_label, text, expected) => {
    const parsed = parseGoMod(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.module).toBe(expected);
  });

  it.each([
    ['single line', 'replace example.com/a => ../a', [{ from: 'example.com/a', to: '../a' }]],
    ['version on the left', 'replace example.com/a v1.2.3 => ./a', [{ from: 'example.com/a', fromVersion: 'v1.2.3', to: './a' }]],
    [
      'module target with version',
      'replace example.com/a => example.com/fork v1.0.0',
      [{ from: 'example.com/a', to: 'example.com/fork', toVersion: 'v1.0.0' }],
    ],
    ['no spaces around arrow', 'replace example.com/a=>../a', [{ from: 'example.com/a', to: '../a' }]],
    ['quoted sides', 'replace "example.com/a" => "../with space"', [{ from: 'example.com/a', to: '../with space' }]],
    [
      'block with comments and blank lines',
      [
        'replace (',
        '\t// example.com/commented => ../nope',
        '',
        '\texample.com/a => ../a // why: local dev',
        '\texample.com/b v0.1.0 => /abs/b',
        ')',
      ].join('\n'),
      [
        { from: 'example.com/a', to: '../a' },
        { from: 'example.com/b', fromVersion: 'v0.1.0', to: '/abs/b' },
      ],
    ],
    [
      'block with CRLF',
      'replace (\r\n\texample.com/a => ../a\r\n)\r\n',
      [{ from: 'example.com/a', to: '../a' }],
    ],
    ['empty block', 'replace ()', []],
  ])('reads replace directives (%s)', (_label, body, expected) => {
    const parsed = parseGoMod(`module example.com/main\n${body}\n`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.replaces.map(({ line: _line, ...rest }) => stripUndefined(rest))).toEqual(expected);
  });

  it('records the line of each replace for diagnostics', () => {
    const parsed = parseGoMod('module m\n\nreplace (\n  a => ../a\n  b => ../b\n)\n');
    expect(parsed.replaces.map((r) => r.line)).toEqual([4, 5]);
  });

  it('ignores directives that cannot affect local resolution', () => {
    const parsed = parseGoMod(
      [
        'module example.com/main',
        'go 1.22',
        'toolchain go1.22.1',
        'require (',
        '\texample.com/dep v1.0.0 // indirect',
        ')',
        'exclude example.com/old v0.1.0',
        'retract [v1.0.0, v1.0.5]',
        'tool example.com/tool',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.module).toBe('example.com/main');
    expect(parsed.replaces).toEqual([]);
  });

  it.each([
    ['missing module', 'go 1.22\n', 1],
    ['module without path', 'module\n', 1],
    ['module with two paths', 'module a b\n', 1],
    ['repeated module', 'module a\nmodule b\n', 2],
    ['unterminated quote', 'module "example.com/x\n', 1],
    ['bad escape', 'module "example.com/\\q"\n', 1],
    ['replace without arrow', 'module a\nreplace b ../b\n', 2],
    ['replace with nothing on the right', 'module a\nreplace b =>\n', 2],
    ['replace with too many tokens', 'module a\nreplace b v1 v2 => ../b\n', 2],
    ['unclosed block', 'module a\nreplace (\n  b => ../b\n', 2],
    ['stray closing paren', 'module a\n)\n', 2],
    ['text after block opening', 'module a\nrequire ( x v1\n', 2],
  ])('reports a syntax error with its line (%s)', (_label, text, line) => {
    const parsed = parseGoMod(text);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.errors[0].line).toBe(line);
  });
});

describe('parseGoWork', () => {
  it.each([
    ['single', 'go 1.22\nuse ./workers/api\n', ['./workers/api']],
    ['block', 'go 1.22\n\nuse (\n\t./libs/shared // the shared lib\n\t// ./libs/commented\n\n\t"./libs/quoted dir"\n\t.\n)\n', ['./libs/shared', './libs/quoted dir', '.']],
    ['CRLF block', 'use (\r\n\t./a\r\n\t./b\r\n)\r\n', ['./a', './b']],
    ['mixed', 'use ./a\nuse (\n ./b\n)\n', ['./a', './b']],
  ])('reads use entries (%s)', (_label, text, expected) => {
    const parsed = parseGoWork(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.uses).toEqual(expected);
  });

  it('reads replace directives, which override go.mod replaces in workspace mode', () => {
    const parsed = parseGoWork('go 1.22\nuse ./a\nreplace example.com/x => ./forks/x\n');
    expect(parsed.replaces.map((r) => [r.from, r.to])).toEqual([['example.com/x', './forks/x']]);
  });

  it.each([
    ['use with two paths', 'use ./a ./b\n'],
    ['unclosed use block', 'use (\n ./a\n'],
  ])('reports errors (%s)', (_label, text) => {
    expect(parseGoWork(text).errors.length).toBeGreaterThan(0);
  });
});

describe('isLocalReplacementPath', () => {
  it.each([
    ['./x', true],
    ['../x', true],
    ['/abs/x', true],
    ['.', true],
    ['..', true],
    ['..\\win', true],
    ['example.com/x', false],
    ['.hidden/x', false],
    ['...', false],
  ])('%s -> %s', (target, expected) => {
    expect(isLocalReplacementPath(target)).toBe(expected);
  });
});

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
