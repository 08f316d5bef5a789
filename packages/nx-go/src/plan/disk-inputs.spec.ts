// Specifies the digest of files Nx cannot see, by running its shell line against a real git work tree.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DISK_DIGEST_SCRIPT, diskDigestCommand, digestScriptPath, ignoredFileSpecs, NOT_A_GIT_WORK_TREE, replacedModules, workspaceCacheDirs, type DiskScope } from './disk-inputs';

describe('replacedModules', () => {
  it('splits local replacements into workspace roots and outside directories, and skips module paths', () => {
    const goMod = [
      'module example.com/api',
      'replace (',
      '\texample.com/shared => ../../libs/shared',
      '\texample.com/far => ../../../elsewhere/far',
      '\texample.com/abs => /opt/go/abs',
      '\texample.com/fork => github.com/me/fork v1.0.0',
      ')',
    ].join('\n');
    expect(replacedModules('workers/api', goMod)).toEqual({ moduleRoots: ['libs/shared'], outsideModules: ['../elsewhere/far', '/opt/go/abs'] });
  });
});

describe('diskDigestCommand', () => {
  let base: string;
  let ws: string;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(base, rel)), { recursive: true });
    writeFileSync(join(base, rel), text);
  };
  const scope = (over: Partial<DiskScope> = {}): DiskScope => ({
    root: 'workers/api',
    ...replacedModules('workers/api', 'module a\nreplace b => ../../libs/shared\nreplace c => ../../../outside\n'),
    flagFiles: [],
    ...over,
  });
  const digest = (s: DiskScope, env: NodeJS.ProcessEnv = {}) =>
    spawnSync('sh', ['-c', diskDigestCommand(s, DISK_DIGEST_SCRIPT)], { cwd: ws, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } }).stdout;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'nx-go-disk-'));
    ws = join(base, 'ws');
    write('ws/.gitignore', 'go.work\nvendor/\nzz_gen.go\nwebui/\n*.log\nbin/\n');
    write('ws/workers/api/src/main.go', 'package main\n');
    write('ws/workers/api/src/zz_gen.go', 'package main\n');
    write('ws/workers/api/src/webui/index.html', '<h1>v1</h1>\n');
    write('ws/workers/api/src/server.log', 'noise\n');
    write('ws/workers/api/bin/api', 'binary\n');
    write('ws/workers/api/vendor/modules.txt', '# example.com/x v1.0.0\n');
    write('ws/libs/shared/zz_gen.go', 'package shared\n');
    write('ws/go.work', 'go 1.22\n');
    write('outside/o.go', 'package outside\n');
    write('outside/o_test.go', 'package outside\n');
    execFileSync('git', ['init', '-q'], { cwd: ws });
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('lists and hashes gitignored Go files, vendor/, go.work and the listed sources, and nothing else', () => {
    const out = digest(scope({ settings: { sources: ['src/**/*.go', 'src/webui/**'], exclude: [] } }));
    const names = out.split('\n').filter((l) => l && !/^[0-9a-f]{40}$/.test(l));
    expect(names).toEqual([
      'go.work',
      'libs/shared/zz_gen.go',
      'workers/api/src/webui/index.html',
      'workers/api/src/zz_gen.go',
      'workers/api/vendor/modules.txt',
      'module ../outside',
      './o.go',
      'GOWORK=',
    ]);
  });

  it("lists, for go test and go vet (-T), the project's own gitignored _test.go files and testdata/, and builds never do", () => {
    write('ws/.gitignore', 'go.work\nvendor/\nzz_gen.go\nwebui/\n*.log\nbin/\nmock_*_test.go\nfixtures/\n');
    write('ws/workers/api/src/mock_store_test.go', 'package main\n');
    write('ws/workers/api/src/testdata/fixtures/big.json', '{}\n');
    // A replaced library's tests are not run by the worker's go test: no needless miss when they change.
    write('ws/libs/shared/mock_x_test.go', 'package shared\n');
    // exclude keeps files out of the binary, not out of go test ./...
    write('ws/workers/api/src/tools/mock_t_test.go', 'package tools\n');
    const settings = { sources: undefined, exclude: ['src/tools/**'] };
    const names = (tests: boolean) => digest(scope({ tests, settings })).split('\n').filter((l) => /_test\.go$|\.json$/.test(l));
    expect(names(true)).toEqual(['workers/api/src/mock_store_test.go', 'workers/api/src/testdata/fixtures/big.json', 'workers/api/src/tools/mock_t_test.go']);
    expect(names(false)).toEqual([]);
    // TQServer's layout: a package's scope is the whole module (-m .), yet only its own tests count.
    const inModule = digest({ root: 'workers/api', moduleRoots: ['.'], outsideModules: [], flagFiles: [], tests: true });
    expect(inModule).toContain('workers/api/src/mock_store_test.go');
    expect(inModule).not.toContain('libs/shared/mock_x_test.go');
    const before = digest(scope({ tests: true, settings }));
    write('ws/workers/api/src/testdata/fixtures/big.json', '{"changed": true}\n');
    expect(digest(scope({ tests: true, settings }))).not.toBe(before);
  });

  it('sees ignored files of a project, library or nested module whose directory names hold glob characters', () => {
    write('ws/workers/r[s]*/src/zz_gen.go', 'package main\n');
    write('ws/workers/r[s]*/src/mock_a_test.go', 'package main\n');
    write('ws/.gitignore', 'go.work\nvendor/\nzz_gen.go\nwebui/\n*.log\nbin/\nmock_*_test.go\n');
    write('ws/libs/l?b/zz_gen.go', 'package lib\n');
    write('ws/workers/r[s]*/nested/zz_gen.go', 'package nested\n');
    const odd: DiskScope = { root: 'workers/r[s]*', moduleRoots: ['libs/l?b'], outsideModules: [], flagFiles: [], nestedModules: ['workers/r[s]*/nested'] };
    expect(digest(odd)).toContain('workers/r[s]*/src/zz_gen.go');
    expect(digest(odd)).toContain('libs/l?b/zz_gen.go');
    expect(digest(odd)).not.toContain('nested/zz_gen.go');
    expect(digest({ ...odd, tests: true })).toContain('workers/r[s]*/src/mock_a_test.go');
  });

  it.each([
    ['a gitignored generated Go file', 'ws/workers/api/src/zz_gen.go', true],
    ['a gitignored generated file of a replaced library', 'ws/libs/shared/zz_gen.go', true],
    ['a gitignored go.work', 'ws/go.work', true],
    ['a gitignored vendored file', 'ws/workers/api/vendor/modules.txt', true],
    ['a gitignored embedded asset that sources lists', 'ws/workers/api/src/webui/index.html', true],
    ['a module replaced from outside the workspace', 'outside/o.go', true],
    ['a gitignored log file', 'ws/workers/api/src/server.log', false],
    ['the worker binary', 'ws/workers/api/bin/api', false],
    ['a test of the outside module', 'outside/o_test.go', false],
  ])('changes when %s changes: %s', (_label, file, changes) => {
    const s = scope({ settings: { sources: ['src/**/*.go', 'src/webui/**'], exclude: [] } });
    const before = digest(s);
    write(file, 'edited\n');
    expect(digest(s) !== before).toBe(changes);
  });

  it('leaves out modules nested inside the scope, which Go never reads for it', () => {
    const outer: DiskScope = { root: '.', moduleRoots: [], outsideModules: [], flagFiles: [] };
    const nested: DiskScope = { ...outer, nestedModules: ['workers/api'] };
    const before = [digest(outer), digest(nested)];
    write('ws/workers/api/src/zz_gen.go', 'package main // edited\n');
    // Without the exclusion the root scope sees the nested module's ignored file; with it, it does not.
    expect(digest(outer)).not.toBe(before[0]);
    expect(digest(nested)).toBe(before[1]);
    expect(ignoredFileSpecs(nested)).toContain(':(exclude,glob)workers/api/**');
  });

  it('lists the same files for a root scope, top-level and nested, with node_modules and .nx left out as before', () => {
    write('ws/.gitignore', 'go.work\nvendor/\nzz_gen.go\nwebui/\n*.log\nbin/\nnode_modules/\n.nx/\nzz_top.go\n');
    write('ws/node_modules/pkg/x.go', 'package pkg\n');
    write('ws/workers/web/node_modules/dep/y.go', 'package dep\n');
    write('ws/.nx/cache/z.go', 'package z\n');
    write('ws/zz_top.go', 'package root\n');
    // Top-level directories whose names git would read as pattern characters (found in review).
    write('ws/[gen]/zz_gen.go', 'package gen\n');
    write('ws/a?b*/zz_gen.go', 'package ab\n');
    const root: DiskScope = { root: '.', moduleRoots: [], outsideModules: [], flagFiles: [] };
    const names = digest(root).split('\n').filter((l) => l && !/^[0-9a-f]{40}$/.test(l));
    expect(names).toEqual([
      '[gen]/zz_gen.go',
      'a?b*/zz_gen.go',
      'go.work',
      'libs/shared/zz_gen.go',
      'workers/api/src/zz_gen.go',
      'zz_top.go',
      'GOWORK=',
    ]);
    // The same list as one git call with every pathspec of ignoredFileSpecs, excludes and all.
    const once = execFileSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--', ...ignoredFileSpecs(root)], { cwd: ws, encoding: 'utf8' });
    expect(once.split('\n').filter(Boolean)).toEqual(names.slice(0, -1));
  });

  it('prints an empty list, as before, when no ignored file is in scope', () => {
    rmSync(join(ws, 'go.work'));
    const clean: DiskScope = { root: 'libs/none', moduleRoots: [], outsideModules: [], flagFiles: [] };
    expect(digest(clean)).toBe('\nGOWORK=\n');
  });

  it.each([
    ['a gitignored file of a module go.work uses', 'ws/libs/shared/zz_gen.go', true],
    ['a module outside the workspace that go.work uses', 'outside/o.go', true],
    ['a test of that outside module', 'outside/o_test.go', false],
  ])('changes through go.work (found in review: only replaced modules counted) when %s changes', (_label, file, changes) => {
    write('ws/go.work', 'go 1.22\n\nuse (\n\t./workers/api\n\t"./libs/shared" // the library\n)\nuse ../outside\n');
    const s: DiskScope = { root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [] };
    const before = digest(s);
    const offBefore = digest(s, { GOWORK: 'off' });
    write(file, 'edited\n');
    expect(digest(s) !== before).toBe(changes);
    // Without a workspace, go never reads them.
    expect(digest(s, { GOWORK: 'off' })).toBe(offBefore);
  });

  it('hashes a nested module of a root scope when go.work uses it, and not otherwise', () => {
    const root: DiskScope = { root: '.', moduleRoots: [], outsideModules: [], flagFiles: [], nestedModules: ['libs/shared'] };
    const before = digest(root);
    write('ws/libs/shared/zz_gen.go', 'package shared // edited\n');
    expect(digest(root)).toBe(before);
    write('ws/go.work', 'go 1.22\n\nuse .\nuse ./libs/shared\n');
    const used = digest(root);
    write('ws/libs/shared/zz_gen.go', 'package shared // edited again\n');
    expect(digest(root)).not.toBe(used);
  });

  it('leaves vendor/ out for go mod vendor, whose output it is', () => {
    const s = scope({ vendor: false });
    const before = digest(s);
    write('ws/workers/api/vendor/modules.txt', 'edited\n');
    expect(digest(s)).toBe(before);
    expect(ignoredFileSpecs(s)).toContain(':(exclude,glob)workers/api/vendor/**');
  });

  it('hashes the file GOWORK names and says whether it is off', () => {
    write('elsewhere.work', 'go 1.22\nuse ./x\n');
    const on = digest(scope(), { GOWORK: join(base, 'elsewhere.work') });
    expect(on).toContain('use ./x');
    expect(digest(scope(), { GOWORK: 'off' })).toContain('GOWORK=off');
    expect(digest(scope(), { GOWORK: 'off' })).not.toBe(digest(scope()));
  });

  it('says so, rather than failing hashing, outside a git work tree', () => {
    rmSync(join(ws, '.git'), { recursive: true, force: true });
    expect(digest(scope())).toContain(NOT_A_GIT_WORK_TREE);
  });
});

describe('workspaceCacheDirs', () => {
  it.each<[unknown, string[]]>([
    [undefined, []],
    ['', []],
    ['.cache/build', ['.cache/build']],
    ['cache/build/', ['cache/build']],
    ['/ws/tmp/nx-cache', ['tmp/nx-cache']],
    ['/elsewhere/nx-cache', []],
    ['../outside', []],
    [42, []],
  ])('nx.json cacheDirectory %j -> %j', (cacheDirectory, dirs) => {
    expect(workspaceCacheDirs('/ws', cacheDirectory)).toEqual(dirs);
  });

  it('keeps the cache directory and .nx out of the ignored files a root scope lists', () => {
    const specs = ignoredFileSpecs({ root: '.', moduleRoots: [], outsideModules: [], flagFiles: [], cacheDirs: ['.cache/build'] });
    expect(specs).toEqual(expect.arrayContaining([':(exclude,glob).cache/build/**', ':(exclude,glob)**/.nx/**']));
  });
});

describe('disk-digest.sh', () => {
  /** The pathspecs the script builds from its short arguments, by running it for real. */
  const scriptSpecs = (scope: DiskScope) =>
    spawnSync('sh', ['-c', diskDigestCommand(scope, DISK_DIGEST_SCRIPT)], { encoding: 'utf8', env: { PATH: process.env.PATH, NX_GO_DIGEST_SPECS: '1' } })
      .stdout.split('\n')
      .filter(Boolean);

  it.each<[string, DiskScope]>([
    ['a seed-layout worker', { root: 'workers/api', moduleRoots: ['libs/shared'], outsideModules: ['../outside'], flagFiles: [] }],
    ['the module at the workspace root', { root: '.', moduleRoots: [], outsideModules: [], flagFiles: [] }],
    ['a package inside a module', { root: 'pkg/config/php', moduleRoots: ['.', 'third/party'], outsideModules: [], flagFiles: [] }],
    [
      'a worker with sources, excludes, flag files and spaces',
      {
        root: 'workers/my api',
        moduleRoots: ['libs/a b'],
        outsideModules: [],
        flagFiles: ['workers/my api/default.pgo', "workers/my api/it's.mod"],
        settings: { sources: ['src/**/*.go', 'src/testdata/embed/**', 'web ui/*'], exclude: ['gen/**', '*.tmp'] },
      },
    ],
    ['go mod vendor, whose output vendor/ is', { root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [], vendor: false }],
    [
      'go test and go vet of a worker with excludes and build jobs',
      {
        root: 'workers/api',
        moduleRoots: ['libs/shared'],
        outsideModules: [],
        flagFiles: [],
        tests: true,
        cacheDirs: ['.cache/build'],
        settings: { sources: ['src/**'], exclude: ['src/tools/**'], jobs: { routes: { inputs: [], deps: [], cmds: [], outputs: ['src/zz_routes.go'] } } } as unknown as DiskScope['settings'],
      },
    ],
    ['go test and go vet of the root module', { root: '.', moduleRoots: [], outsideModules: [], flagFiles: [], tests: true }],
    ['a worker and a library whose names hold glob characters, with a nested module', { root: 'workers/r[s]*', moduleRoots: ['libs/l?b'], outsideModules: [], flagFiles: ['workers/r[s]*/default.pgo'], nestedModules: ['workers/r[s]*/nested'], settings: { sources: ['src/**'], exclude: ['gen/**'] } }],
    ['go test and go vet of a worker whose name holds glob characters', { root: 'workers/r[s]*', moduleRoots: [], outsideModules: [], flagFiles: [], tests: true, nestedModules: ['workers/r[s]*/nested'] }],
    ['the module root, with nested modules and a cache directory', { root: '.', moduleRoots: [], outsideModules: [], flagFiles: [], nestedModules: ['workers/api'], cacheDirs: ['.cache/build'] }],
    [
      'a worker with build jobs',
      {
        root: 'workers/auth',
        moduleRoots: [],
        outsideModules: [],
        flagFiles: [],
        settings: { sources: undefined, exclude: [], jobs: { routes: { inputs: [], deps: [], cmds: [], outputs: ['src/zz_routes.go'] } } } as unknown as DiskScope['settings'],
      },
    ],
  ])('builds the same git pathspecs as ignoredFileSpecs for %s', (_label, scope) => {
    expect(new Set(scriptSpecs(scope))).toEqual(new Set(ignoredFileSpecs(scope)));
  });

  it('lists, for the module at the workspace root, the ignored Go files in every top-level directory but node_modules and .nx', () => {
    // A root scope's globs (**/…) are split per top-level directory before git runs: this checks the split.
    const repo = mkdtempSync(join(tmpdir(), 'nx-go-digest-root-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: repo });
      writeFileSync(join(repo, '.gitignore'), 'gen_*.go\n');
      const files = ['gen_root.go', 'sub/deep/gen_a.go', 'odd[x]/gen_b.go', '.hidden/gen_c.go', 'node_modules/m/gen_d.go', '.nx/gen_e.go', 'sub/gen_f_test.go', 'testdata/gen_g.go'];
      for (const f of files) {
        mkdirSync(dirname(join(repo, f)), { recursive: true });
        writeFileSync(join(repo, f), 'package x\n');
      }
      const out = execFileSync('sh', ['-c', diskDigestCommand({ root: '.', moduleRoots: [], outsideModules: [], flagFiles: [] }, DISK_DIGEST_SCRIPT)], {
        cwd: repo,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: repo, GIT_CONFIG_NOSYSTEM: '1' },
      });
      expect(out.split('\n').slice(0, 5)).toEqual(['.hidden/gen_c.go', 'gen_root.go', 'odd[x]/gen_b.go', 'sub/deep/gen_a.go', execFileSync('git', ['hash-object', '--no-filters', join(repo, '.hidden/gen_c.go')], { encoding: 'utf8' }).trim()]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('keeps a pathspec whole when a directory name holds a newline (found by review: the one-per-line list split it)', () => {
    const repo = mkdtempSync(join(tmpdir(), 'nx-go-digest-newline-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: repo });
      writeFileSync(join(repo, '.gitignore'), 'gen_*.go\n*.bin\n');
      for (const f of ['foo\nbar/gen_a.go', 'foo/stray.bin', 'r\ns/sub/gen_b.go']) {
        mkdirSync(dirname(join(repo, f)), { recursive: true });
        writeFileSync(join(repo, f), 'package x\n');
      }
      const digest = (root: string) =>
        execFileSync('sh', ['-c', diskDigestCommand({ root, moduleRoots: [], outsideModules: [], flagFiles: [] }, DISK_DIGEST_SCRIPT)], {
          cwd: repo,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: repo, GIT_CONFIG_NOSYSTEM: '1' },
          // The refusal's message belongs in the thrown error, not in the test run's output.
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      // git quotes such names; foo/stray.bin is not a file go build reads, so it never counts.
      expect(digest('.').split('\n').slice(0, 2)).toEqual(['"foo\\nbar/gen_a.go"', '"r\\ns/sub/gen_b.go"']);
      // An argument is one line of the script's lists, so a project root with a newline is refused rather than misread.
      expect(() => digest('r\ns')).toThrow(/disk-digest.sh: the path or glob "r\ns" holds a newline/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('is named relative to the workspace root when it lies inside it, so every checkout hashes the same text', () => {
    expect(digestScriptPath('/w/repo', '/w/repo/node_modules/@tqserver/nx-go/src/plan/disk-digest.sh')).toBe('node_modules/@tqserver/nx-go/src/plan/disk-digest.sh');
    expect(digestScriptPath('/w/repo', '/opt/plugins/nx-go/src/plan/disk-digest.sh')).toBe('/opt/plugins/nx-go/src/plan/disk-digest.sh');
  });

  it('keeps the command short: the scope travels as arguments, not as pathspecs', () => {
    const scope: DiskScope = { root: 'workers/api', moduleRoots: ['libs/shared'], outsideModules: [], flagFiles: [] };
    expect(diskDigestCommand(scope, 'node_modules/@tqserver/nx-go/src/plan/disk-digest.sh')).toBe(
      'exec sh node_modules/@tqserver/nx-go/src/plan/disk-digest.sh workers/api -m libs/shared',
    );
  });
});
