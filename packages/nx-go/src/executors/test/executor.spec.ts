// Specifies the argv of the test executor: go test with the flags Go users reach for.

import { testArgs, type TestExecutorOptions } from './executor';

describe('testArgs', () => {
  it.each<[string, TestExecutorOptions, string[]]>([
    ['no options', {}, ['test', './...']],
    ['race', { race: true }, ['test', '-race', './...']],
    ['race off', { race: false }, ['test', './...']],
    ['count', { count: 1 }, ['test', '-count=1', './...']],
    ['count of 3', { count: 3 }, ['test', '-count=3', './...']],
    ['run', { run: 'TestBuild/linux' }, ['test', '-run=TestBuild/linux', './...']],
    ['run with spaces and regex', { run: '^Test(A|B) x$' }, ['test', '-run=^Test(A|B) x$', './...']],
    ['empty run is no filter', { run: '' }, ['test', './...']],
    ['cover', { cover: true }, ['test', '-cover', './...']],
    ['coverprofile', { coverprofile: 'cover.out' }, ['test', '-coverprofile=cover.out', './...']],
    ['timeout', { timeout: '2m' }, ['test', '-timeout=2m', './...']],
    ['packages', { packages: './internal/...' }, ['test', './internal/...']],
    ['serverConfig and verbose are not go test flags', { serverConfig: 'x.yaml', verbose: true }, ['test', './...']],
    [
      'everything, in a fixed order',
      { packages: './pkg', timeout: '30s', coverprofile: 'c.out', cover: true, run: 'X', count: 2, race: true },
      ['test', '-race', '-count=2', '-run=X', '-cover', '-coverprofile=c.out', '-timeout=30s', './pkg'],
    ],
  ])('%s', (_label, options, expected) => {
    expect(testArgs(options)).toEqual(expected);
  });

  it('keeps every flag as one argv element, and the package pattern last', () => {
    const args = testArgs({ run: 'A B', timeout: '1m', race: true });
    expect(args[0]).toBe('test');
    expect(args.at(-1)).toBe('./...');
    for (const a of args.slice(1, -1)) expect(a).toMatch(/^-[a-z]+(=.*)?$/);
  });

  it('does not modify its options', () => {
    const options: TestExecutorOptions = { race: true, packages: './x' };
    testArgs(options);
    expect(options).toEqual({ race: true, packages: './x' });
  });
});
