// The //go:embed guard: an embedded file left out of the hash fails the build instead of caching a stale binary.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { sourceInputs } from '../plan/inputs';
import fg from 'fast-glob';
import { embedPatterns, gitIgnoredFiles, goFilesUnder, unhashableWorkspace, unhashedEmbeds } from './embeds';

describe('embedPatterns', () => {
  it.each([
    ['//go:embed banner.txt\nvar b string', ['banner.txt']],
    ['//go:embed a.txt b/*.tmpl "c d.txt"\nvar f embed.FS', ['a.txt', 'b/*.tmpl', 'c d.txt']],
    ['//go:embed all:static\nvar s embed.FS', ['all:static']],
    ['// go:embed not-a-directive.txt\n', []],
    ['x := "//go:embed inside a string"', []],
    // gofmt indents the directive inside a var block.
    ['var (\n\t//go:embed HELP.md\n\thelp string\n)', ['HELP.md']],
    ['var (\n    //go:embed a.txt\n    a string\n)', ['a.txt']],
  ])('%j -> %j', (src, expected) => {
    expect(embedPatterns(src)).toEqual(expected);
  });
});

describe('goFilesUnder', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'nx-go-gofiles-'));
    for (const f of [
      'go.mod',
      'main.go',
      'main_test.go',
      'src/a.go',
      'src/deep/b.go',
      'src/deep/b.txt',
      'src/.hidden/c.go',
      'src/.d.go',
      'src/testdata/d.go',
      'src/vendor/e.go',
      'bin/f.go',
      'dist/g.go',
      'node_modules/h.go',
      'workers/api/main.go',
      'workers/api/src/i.go',
      'workers/apix/j.go',
      '_under/k.go',
    ]) {
      mkdirSync(dirname(join(ws, f)), { recursive: true });
      writeFileSync(join(ws, f), 'package x\n');
    }
    symlinkSync(join(ws, 'src'), join(ws, 'linked'));
    // A link back up would loop for ever if followed each time.
    symlinkSync(ws, join(ws, 'src/deep/up'));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it.each([
    ['.', ['workers/api']],
    ['.', []],
    ['src', []],
    ['workers/api', []],
  ])('under %s, without the nested roots %j, finds what fast-glob finds', (root, nested) => {
    const prefix = root === '.' ? '' : `${root}/`;
    const ignore = ['**/vendor/**', '**/testdata/**', '**/bin/**', '**/dist/**', '**/node_modules/**', '**/*_test.go', ...nested.map((r) => `${r}/**`), '**/up/**'];
    const expected = fg.sync(`${prefix}**/*.go`, { cwd: ws, ignore });
    const found = goFilesUnder(ws, root, nested).filter((f) => !f.split('/').includes('up'));
    expect(found.sort()).toEqual(expected.sort());
    expect(found).toContain(root === '.' ? '_under/k.go' : `${prefix}${root === 'workers/api' ? 'src/i.go' : 'deep/b.go'}`);
  });

  it('follows a link to a directory once, so a link back up ends', () => {
    const found = goFilesUnder(ws, '.', []);
    expect(found).toEqual(expect.arrayContaining(['linked/a.go', 'linked/deep/b.go', 'src/a.go', 'src/deep/b.go']));
    // The link back up is followed once, wherever the walk meets it first.
    expect(found.filter((f) => f.endsWith('/up/main.go'))).toHaveLength(1);
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
      'workers/api/src/main.go embeds workers/api/src/HELP.md, which is not among the build\'s inputs; add "src/HELP.md" to build.sources so that editing it rebuilds the binary',
    ]);
  });

  it('reports files of an embedded directory that build.sources leaves out', () => {
    write('workers/api/src/main.go', 'package main\n\nimport "embed"\n\n//go:embed static\nvar static embed.FS\n');
    write('workers/api/src/static/app.js', 'x\n');
    const inputs = sourceInputs({ sources: ['src/**/*.go'], exclude: [] });
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs }])).toHaveLength(1);
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs({ sources: ['src/**/*'], exclude: [] }) }])).toEqual([]);
  });

  it.each([
    ['config.yaml at the worker root', 'config.yaml', '../config.yaml', 'config.yaml'],
    ['a file under testdata/', 'src/testdata/banner.txt', 'testdata/banner.txt', 'src/testdata/banner.txt'],
  ])('gives advice that works for %s: listing it in sources hashes it', (_label, rel, pattern, listed) => {
    // An embed may not use "..", so the embedder sits where the file is reachable.
    const embedder = rel === 'config.yaml' ? 'workers/api/embed.go' : 'workers/api/src/main.go';
    rmSync(join(ws, 'workers/api/src/main.go'));
    write(embedder, `package main\n\nimport _ "embed"\n\n//go:embed ${pattern.replace('../', '')}\nvar b string\n`);
    write(`workers/api/${rel}`, 'x\n');
    const before = unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs({ sources: ['**/*.go'], exclude: [] }) }]);
    expect(before).toEqual([expect.stringContaining(`add ${JSON.stringify(listed)} to build.sources`)]);
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs({ sources: ['**/*.go', listed], exclude: [] }) }])).toEqual([]);
  });

  it('sees a dotfile that a glob pattern names (Go lets * match a leading dot), and checks it with git', () => {
    execFileSync('git', ['init', '-q'], { cwd: ws });
    write('workers/api/.gitignore', '.gen.txt\n');
    write('workers/api/src/main.go', 'package main\n\nimport "embed"\n\n//go:embed *.txt\nvar gen embed.FS\n');
    write('workers/api/src/.gen.txt', 'v1\n');
    const disk = { root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [] };
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs() }], gitIgnoredFiles(ws, disk))).toEqual([
      expect.stringContaining('embeds workers/api/src/.gen.txt, which git ignores, so Nx cannot hash it'),
    ]);
  });

  it('tells the worker to move an embedded file out of its output directories', () => {
    write('workers/api/main.go', 'package main\n\nimport "embed"\n\n//go:embed dist\nvar ui embed.FS\n');
    write('workers/api/dist/index.html', 'x\n');
    expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs() }])).toEqual([
      expect.stringContaining('workers/api/dist/index.html, which is not among the build\'s inputs; move it out of dist/'),
    ]);
  });

  describe('with git', () => {
    const disk = (sources?: string[]) => ({ root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [], settings: sources ? { sources, exclude: [] } : undefined });
    beforeEach(() => {
      execFileSync('git', ['init', '-q'], { cwd: ws });
      write('.gitignore', 'webui/\n');
      write('workers/api/src/main.go', 'package main\n\nimport "embed"\n\nvar (\n\t//go:embed webui\n\tui embed.FS\n)\n');
      write('workers/api/src/webui/index.html', '<h1>\n');
    });

    it('refuses a gitignored embedded file that no sources entry names, and accepts it once listed', () => {
      const inputs = sourceInputs();
      expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs }], gitIgnoredFiles(ws, disk()))).toEqual([
          'workers/api/src/main.go embeds workers/api/src/webui/index.html, which git ignores, so Nx cannot hash it; list it in build.sources (for example "src/webui/**") and the plugin hashes it from disk',
      ]);
      const listed = { sources: ['src/**/*.go', 'src/webui/**'], exclude: [] };
      expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs(listed) }], gitIgnoredFiles(ws, disk(listed.sources)))).toEqual([]);
    });

    it('refuses a workspace that is not a git work tree but has a .gitignore, which Nx still applies', () => {
      expect(unhashableWorkspace(ws, gitIgnoredFiles(ws, disk()), 'api: build')).toBeUndefined();
      rmSync(join(ws, '.git'), { recursive: true, force: true });
      const git = gitIgnoredFiles(ws, disk());
      expect(git.workTree).toBe(false);
      expect(unhashableWorkspace(ws, git, 'api: build')).toContain('is not a git work tree, yet Nx leaves out the files its .gitignore names');
      rmSync(join(ws, '.gitignore'));
      expect(unhashableWorkspace(ws, git, 'api: build')).toBeUndefined();
    });

    it('accepts an embedded file that git tracks', () => {
      write('.gitignore', '');
      expect(unhashedEmbeds(ws, [{ root: 'workers/api', inputs: sourceInputs() }], gitIgnoredFiles(ws, disk()))).toEqual([]);
    });
  });
});
