// Specifies the YAML schema walker: Go durations, typed fields, and errors that carry file:line:col, key and value.

import {
  boolean,
  ConfigError,
  duration,
  envMap,
  object,
  parseDuration,
  positiveInteger,
  readSection,
  string,
  stringList,
} from './yaml-schema';
import { pos, problemsOf } from './config-errors.spec-support';


describe('parseDuration', () => {
  it.each([
    ['60s', 60_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['1h0m0s', 3_600_000],
    ['1500us', 1.5],
    ['1500µs', 1.5],
    ['2000000ns', 2],
    ['0.5s', 500],
    ['1m', 60_000],
  ])('parses %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each([
    ['empty', ''],
    ['no unit', '60'],
    ['a word', 'sixty'],
    ['negative', '-1s'],
    ['zero', '0s'],
    ['zero compound', '0h0m'],
    ['unknown unit', '5d'],
    ['space inside', '1m 30s'],
    ['leading space', ' 60s'],
    ['trailing garbage', '60sx'],
    ['upper-case unit', '60S'],
    ['unit only', 's'],
    ['two dots', '1.5.5s'],
  ])('rejects %s (%j)', (_label, text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('is not confused by earlier calls (the sticky regex is reset)', () => {
    expect(parseDuration('sixty')).toBeUndefined();
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1m3')).toBeUndefined();
    expect(parseDuration('3s')).toBe(3000);
  });
});

const shape = {
  name: string,
  on: boolean,
  count: positiveInteger,
  wait: duration,
  list: stringList(),
  env: envMap,
  nested: object({ inner: string }),
};

describe('readSection', () => {
  it('reads every field type and ignores other top-level sections', () => {
    const text = [
      'name: top-level name, not ours',
      'port: 8080',
      'other:',
      '  whatever: [1, 2]',
      'sec:',
      '  name: hello',
      '  on: false',
      '  count: 3',
      '  wait: 1m30s',
      '  list: [a, "b c"]',
      '  env:',
      '    A: x',
      '    N: 0',
      '    B: true',
      '  nested:',
      '    inner: deep',
      '',
    ].join('\n');
    expect(readSection('f.yaml', text, 'sec', shape)).toEqual({
      name: 'hello',
      on: false,
      count: 3,
      wait: 90_000,
      list: ['a', 'b c'],
      env: { A: 'x', N: '0', B: 'true' },
      nested: { inner: 'deep' },
    });
  });

  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing here\n'],
    ['no such section', 'name: api\nport: 8080\n'],
    ['an empty section', 'sec:\n'],
    ['an explicit null section', 'sec: null\n'],
  ])('returns {} for %s', (_label, text) => {
    expect(readSection('f.yaml', text, 'sec', shape)).toEqual({});
  });

  it('reports a YAML syntax error with file:line:col', () => {
    const text = 'sec:\n  name: [unclosed\n  on: true\n';
    const problems = problemsOf(() => readSection('dir/f.yaml', text, 'sec', shape));
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatch(/^dir\/f\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('reports a top level that is not a mapping', () => {
    const problems = problemsOf(() => readSection('f.yaml', '- a\n- b\n', 'sec', shape));
    expect(problems).toEqual([expect.stringMatching(/^f\.yaml:1:1: .*expected a YAML mapping.*a list/)]);
  });

  it.each([
    ['string gets a number', 'name: 5', 'sec.name', '5', 'a string'],
    ['boolean gets a string', 'on: "yes"', 'sec.on', '"yes"', 'true or false'],
    ['integer gets zero', 'count: 0', 'sec.count', '0', 'a whole number of at least 1'],
    ['integer gets a fraction', 'count: 2.5', 'sec.count', '2.5', 'a whole number of at least 1'],
    ['integer gets a negative', 'count: -3', 'sec.count', '-3', 'a whole number of at least 1'],
    ['duration gets a number', 'wait: 60', 'sec.wait', '60', 'a Go duration'],
    ['duration gets a word', 'wait: sixty', 'sec.wait', '"sixty"', 'a Go duration'],
    ['list gets a string', 'list: x', 'sec.list', '"x"', 'expected a list of'],
    ['list item gets a mapping', 'list: [{a: 1}]', 'sec.list[0]', 'a mapping', 'a string'],
    ['env gets a list', 'env: [A]', 'sec.env', 'a list', 'a mapping of variable names to values'],
    ['env value gets a list', 'env: {A: [1, 2]}', 'sec.env.A', 'a list', 'a string value'],
    ['env name is not an identifier', 'env: {"1A": x}', 'sec.env.1A', '"1A"', 'letters, digits and _'],
    ['nested gets a list', 'nested: [1]', 'sec.nested', 'a list', 'a mapping with keys inner'],
    ['nested unknown key', 'nested: {outer: 1}', 'sec.nested.outer', 'outer', 'one of inner'],
    ['unknown key', 'nmae: api', 'sec.nmae', 'nmae', 'one of name, on, count, wait, list, env, nested'],
  ])('reports %s with location, key, value and expectation', (_label, line, key, shown, expectation) => {
    const text = `# header\nsec:\n  ${line}\n`;
    const problems = problemsOf(() => readSection('w/config.yaml', text, 'sec', shape));
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem.startsWith(`w/config.yaml:3:`)).toBe(true);
    expect(problem).toContain(`: ${key}: `);
    expect(problem).toContain(shown);
    expect(problem).toContain('expected');
    expect(problem).toContain(expectation);
  });

  // Regression (yaml-schema.ts, stringList, fixed): describe is `a list of ${itemDescribe}s`, so the default item
  // description 'a string' yields "a list of a strings" (and the platform list yields
  // 'a list of "goos/goarch" string (such as linux/amd64)s').
  it('words the expectation of a list grammatically ("a list of strings")', () => {
    const [problem] = problemsOf(() => readSection('f.yaml', 'sec:\n  list: x\n', 'sec', shape));
    expect(problem).toContain('expected a list of strings');
  });

  it('points at the offending value, not at the key or the section', () => {
    const text = 'sec:\n  name: ok\n  wait:    forever\n';
    const [problem] = problemsOf(() => readSection('f.yaml', text, 'sec', shape));
    expect(problem.startsWith(`f.yaml:${pos(text, 'forever')}: sec.wait: `)).toBe(true);
  });

  it('points at the unknown key itself', () => {
    const text = 'sec:\n  name: ok\n  colour: blue\n';
    const [problem] = problemsOf(() => readSection('f.yaml', text, 'sec', shape));
    expect(problem.startsWith(`f.yaml:${pos(text, 'colour')}: sec.colour: unknown key`)).toBe(true);
  });

  it('points at the bad list item', () => {
    const text = 'sec:\n  list:\n    - fine\n    - 42\n';
    const [problem] = problemsOf(() => readSection('f.yaml', text, 'sec', shape));
    expect(problem.startsWith(`f.yaml:${pos(text, '42')}: sec.list[1]: 42 is not valid`)).toBe(true);
  });

  it('reports every problem in the file, each at its own line', () => {
    const text = ['sec:', '  name: 1', '  on: maybe', '  bogus: x', '  count: 0', '  nested:', '    inner: [x]', ''].join('\n');
    const problems = problemsOf(() => readSection('f.yaml', text, 'sec', shape));
    expect(problems).toHaveLength(5);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^f\\.yaml:${pos(text, '1')}: sec\\.name: `)),
        expect.stringMatching(new RegExp(`^f\\.yaml:${pos(text, 'maybe')}: sec\\.on: `)),
        expect.stringMatching(new RegExp(`^f\\.yaml:${pos(text, 'bogus')}: sec\\.bogus: `)),
        expect.stringMatching(new RegExp(`^f\\.yaml:${pos(text, '0')}: sec\\.count: `)),
        expect.stringMatching(new RegExp(`^f\\.yaml:${pos(text, '[x]')}: sec\\.nested\\.inner: `)),
      ]),
    );
  });

  it('reports each bad item of a list', () => {
    const text = 'sec:\n  list: [a, 1, b, true]\n';
    const problems = problemsOf(() => readSection('f.yaml', text, 'sec', shape));
    expect(problems.map((p) => p.split(': ')[1])).toEqual(['sec.list[1]', 'sec.list[3]']);
  });

  it('reports a section that is not a mapping', () => {
    const text = 'sec: 5\n';
    const [problem] = problemsOf(() => readSection('f.yaml', text, 'sec', shape));
    expect(problem).toMatch(/^f\.yaml:1:6: sec: 5 is not valid; expected a mapping with keys name, on/);
  });
});
