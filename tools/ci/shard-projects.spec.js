// The CI shard split: deterministic, complete, disjoint, balanced, and strict about its input.
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { shard, parseProjects } = require('./shard-projects.js');

const projects = ['web', 'api', 'auth', 'shared', 'textfmt', 'api'];

describe('shard', () => {
  it.each([1, 2, 3, 4, 7])('covers every project exactly once across %i shards, sizes within one', (n) => {
    const shards = [...Array(n).keys()].map((i) => shard(projects, i, n));
    expect(shards.flat().sort()).toEqual(['api', 'auth', 'shared', 'textfmt', 'web']);
    const sizes = shards.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('does not depend on the order nx printed', () => {
    expect(shard([...projects].reverse(), 1, 2)).toEqual(shard(projects, 1, 2));
    expect(shard(projects, 0, 2)).toEqual(['api', 'shared', 'web']);
  });

  it.each([[0, 0], [2, 2], [-1, 2], [0, 1.5]])('refuses index %p of %p', (i, n) => {
    expect(() => shard(projects, i, n)).toThrow();
  });
});

describe('parseProjects', () => {
  it('reads the JSON line after any warnings, and empty input as no projects', () => {
    expect(parseProjects(' NX  some warning\n["a","b"]\n')).toEqual(['a', 'b']);
    expect(parseProjects('')).toEqual([]);
    expect(() => parseProjects('api\nweb\n')).toThrow('expected the JSON array');
  });
});

describe('the command line the recipe runs', () => {
  const script = join(__dirname, 'shard-projects.js');
  it('prints a shard as a comma list, and the matrix', () => {
    expect(execFileSync(process.execPath, [script, '1', '2'], { input: '["web","api","auth"]' , encoding: 'utf8' })).toBe('auth\n');
    expect(execFileSync(process.execPath, [script, '--matrix', '3'], { encoding: 'utf8' })).toBe('[0,1,2]\n');
  });
});
