// The //go:embed guard: an embedded file left out of the hash fails the build instead of caching a stale binary.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sourceInputs } from '../plan/inputs';
import { embedPatterns, unhashedEmbeds } from './embeds';

describe('embedPatterns', () => {
  it.each([
    ['//go:embed banner.txt\nvar b string', ['banner.txt']],
    ['//go:embed a.txt b/*.tmpl "c d.txt"\nvar f embed.FS', ['a.txt', 'b/*.tmpl', 'c d.txt']],
    ['//go:embed all:static\nvar s embed.FS', ['all:static']],
    ['// go:embed not-a-directive.txt\n', []],
    ['x := "//go:embed inside a string"', []],
  ])('%j -> %j', (src, expected) => {
    expect(embedPatterns(src)).toEqual(expected);
  });
});

describe('unhashedEmbeds', () => {
  let ws: string;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(ws, rel)), { recursive: true });
    writeFileSync(join(ws, rel), text);
  };
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'nx-go-embeds-'));
    write('workers/api/src/main.go', 'package main\n\nimport _ "embed"\n\n//go:embed banner.txt\nvar banner string\n');
    write('workers/api/src/banner.txt', 'hi\n');
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('accepts an embedded file that the default inputs hash', () => {
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs() }])).toEqual([]);
  });

  it('reports an embedded doc that the default inputs leave out', () => {
    write('workers/api/src/main.go', 'package main\n\nimport _ "embed"\n\n//go:embed HELP.md\nvar help string\n');
    write('workers/api/src/HELP.md', '# help\n');
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs() }])).toEqual([
      'workers/api/src/main.go embeds workers/api/src/HELP.md, which is not among the build\'s inputs; add it to build.sources so that editing it rebuilds the binary',
    ]);
  });

  it('reports files of an embedded directory that build.sources leaves out', () => {
    write('workers/api/src/main.go', 'package main\n\nimport "embed"\n\n//go:embed static\nvar static embed.FS\n');
    write('workers/api/src/static/app.js', 'x\n');
    const inputs = sourceInputs({ sources: ['src/**/*.go'], exclude: [] });
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs }])).toHaveLength(1);
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs({ sources: ['src/**/*'], exclude: [] }) }])).toEqual([]);
  });
});
