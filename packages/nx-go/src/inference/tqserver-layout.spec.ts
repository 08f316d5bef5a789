// Specifies inference for both layouts: which directory plays which part, and the projects and targets that follow.
import type { CreateNodesContext, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fg from 'fast-glob';
import { createLayoutNodes, LAYOUT_GLOB, packageClause, packageProjectName, planLayout, type LayoutPluginOptions } from './tqserver-layout';

describe('planLayout', () => {
  const files = [
    'go.mod', 'pkg/worker/worker.go', 'pkg/worker/worker_test.go', 'pkg/config/php/php.go', 'pkg/config/README.go.txt',
    'workers/hello/src/main.go', 'workers/hello/config/worker.yaml', 'workers/web/config/worker.yaml',
    'server/src/main.go', 'server/src/router/router.go', 'libs/own/go.mod', 'libs/own/own.go', 'libs/own/sub/sub.go',
    'pkg/testonly/x_test.go', 'pkg/worker/testdata/fixture.go', 'vendor/example.com/x/x.go', 'workers/seed/go.mod', 'workers/seed/src/main.go',
  ];
  const layout = planLayout({
    files,
    workers: new Map([['workers/hello', 'go'], ['workers/web', 'bun']] as const),
    mains: [{ root: 'server', mainDir: 'src', server: true }],
  });

  it('gives each directory its part', () => {
    expect(layout.roles).toEqual([
      { kind: 'worker', root: 'workers/hello', type: 'go', ownModule: false, moduleRoot: '.' },
      { kind: 'worker', root: 'workers/web', type: 'bun', ownModule: false },
      { kind: 'main', root: 'server', mainDir: 'src', ownModule: false, moduleRoot: '.', server: true },
      { kind: 'module', root: '.', hasPackage: false },
      // Not: test-only directories, testdata, vendor, another module's packages, or anything inside a worker or the server.
      { kind: 'package', root: 'pkg/config/php', moduleRoot: '.' },
      { kind: 'package', root: 'pkg/worker', moduleRoot: '.' },
    ]);
  });

  it("leaves the seed's modules (workers with go.mod, libraries) to the seed's inference", () => {
    expect(layout.plainGoMods).toEqual(['libs/own/go.mod', 'workers/seed/go.mod']);
  });

  it('makes no package projects in a module that holds no worker or main package', () => {
    const seedOnly = planLayout({ files: ['go.mod', 'pkg/a/a.go', 'workers/api/go.mod'], workers: new Map(), mains: [] });
    expect(seedOnly.roles).toEqual([]);
    expect(seedOnly.plainGoMods).toEqual(['go.mod', 'workers/api/go.mod']);
  });

  it('takes a worker with its own go.mod and a worker.yaml into the layout as its own module', () => {
    const own = planLayout({ files: ['workers/api/go.mod', 'workers/api/config/worker.yaml'], workers: new Map([['workers/api', 'go']] as const), mains: [] });
    expect(own.roles).toEqual([{ kind: 'worker', root: 'workers/api', type: 'go', ownModule: true, moduleRoot: 'workers/api' }]);
    expect(own.plainGoMods).toEqual([]);
  });

  it('leaves a Go worker without any go.mod without a module', () => {
    const none = planLayout({ files: ['workers/x/config/worker.yaml'], workers: new Map([['workers/x', 'go']] as const), mains: [] });
    expect(none.roles).toEqual([{ kind: 'worker', root: 'workers/x', type: 'go', ownModule: false }]);
  });

  it('gives the module its own tests when Go files sit at its root', () => {
    const rooted = planLayout({ files: ['go.mod', 'doc.go', 'server/src/main.go'], workers: new Map(), mains: [{ root: 'server', mainDir: 'src', server: true }] });
    expect(rooted.roles).toContainEqual({ kind: 'module', root: '.', hasPackage: true });
  });
});

describe.each([
  ['pkg/worker', '.', 'pkg-worker'],
  ['pkg/config/php', '.', 'pkg-config-php'],
  ['backend/pkg/x', 'backend', 'pkg-x'],
])('packageProjectName(%s, %s)', (root, moduleRoot, name) => {
  it(`is ${name}`, () => expect(packageProjectName(root, moduleRoot)).toBe(name));
});

describe('packageClause', () => {
  it.each([
    ['package main\n', 'main'],
    ['// Package worker does things.\npackage worker\n', 'worker'],
    ['/* header */\n\npackage   foo // trailing\n', 'foo'],
    ['// no clause\n', undefined],
  ])('%j -> %s', (text, name) => expect(packageClause(text)).toBe(name));
});

describe('createLayoutNodes', () => {
  let ws: string;
  let dataDir: string;
  let saved: string | undefined;

  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(ws, rel)), { recursive: true });
    writeFileSync(join(ws, rel), text);
  };

  /** The files Nx would hand to createNodes for LAYOUT_GLOB. */
  const matched = () => fg.sync(LAYOUT_GLOB, { cwd: ws, ignore: ['**/node_modules/**'] }).sort();

  async function infer(options?: LayoutPluginOptions): Promise<Record<string, ProjectConfiguration>> {
    const context: CreateNodesContext = { workspaceRoot: ws, nxJsonConfiguration: {} };
    const out: Record<string, ProjectConfiguration> = {};
    for (const [, result] of await createLayoutNodes(matched(), options, context)) {
      for (const [root, project] of Object.entries(result.projects ?? {})) {
        expect(out[root]).toBeUndefined();
        out[project.name ?? root] = project as ProjectConfiguration;
      }
    }
    return out;
  }

  const job = (t: TargetConfiguration | undefined) => (t?.metadata as { job?: { output?: string; cwd?: string; exec?: string[] } })?.job;

  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'nx-go-layout-'));
    dataDir = mkdtempSync(join(tmpdir(), 'nx-go-data-'));
    saved = process.env.NX_WORKSPACE_DATA_DIRECTORY;
    process.env.NX_WORKSPACE_DATA_DIRECTORY = dataDir;
    write('go.mod', 'module github.com/acme/tqserver\n\ngo 1.22\n');
    write('pkg/worker/worker.go', 'package worker\n');
    write('server/src/main.go', 'package main\n\nfunc main() {}\n');
    write('workers/hello/src/main.go', 'package main\n\nfunc main() {}\n');
    write('workers/hello/config/worker.yaml', 'path: /hello\ntype: go\n');
    write('workers/dev/src/main.go', 'package main\n\nfunc main() {}\n');
    write('workers/dev/config/worker.yaml', 'path: /dev\nenabled: "development"\n');
    write('workers/off/src/main.go', 'package main\n\nfunc main() {}\n');
    write('workers/off/config/worker.yaml', 'path: /off\nenabled: "false"\n');
    write('workers/web/config/worker.yaml', 'path: /web\ntype: bun\n');
    write('workers/web/index.ts', 'export {};\n');
    write('workers/legacy/config/worker.yaml', 'path: /legacy\ntype: php\n');
    write('workers/notaworker/src/main.go', 'package main\n');
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
    else process.env.NX_WORKSPACE_DATA_DIRECTORY = saved;
    rmSync(ws, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes projects of the workers, the server, the module and its packages', async () => {
    const p = await infer();
    // workers/notaworker has no config/worker.yaml: TQServer skips it, so it is just a Go package of the module.
    expect(Object.keys(p).sort()).toEqual(['dev', 'hello', 'legacy', 'off', 'pkg-worker', 'server', 'tqserver', 'web', 'workers-notaworker-src']);
  });

  it("builds an in-module Go worker in its directory to TQServer's own output path, without tidy or vendor", async () => {
    const { hello } = await infer();
    expect(job(hello.targets?.build)).toMatchObject({ cwd: 'workers/hello', output: 'workers/hello/bin/hello' });
    expect(job(hello.targets?.build)?.exec?.slice(-1)).toEqual(['./src']);
    expect(Object.keys(hello.targets ?? {})).toEqual(expect.arrayContaining(['build', 'build-prod', 'cross-compile', 'test', 'vet']));
    expect(hello.targets?.tidy).toBeUndefined();
    expect(hello.targets?.vendor).toBeUndefined();
    expect(hello.targets?.test?.metadata?.description).toContain('tidy and vendor: project tqserver');
    expect(hello.tags).toEqual(['go', 'go:worker', 'tqserver:worker', 'tqserver:go']);
    // worker.yaml is runtime config, views/ and public/ are read from disk at run time.
    expect(hello.namedInputs?.['go-sources']).toEqual(expect.arrayContaining(['!{projectRoot}/config/worker.yaml', '!{projectRoot}/views/**', '!{projectRoot}/public/**']));
  });

  it('maps enabled to targets: development has no release builds, false has no builds', async () => {
    const { dev, off } = await infer();
    const builds = (p: ProjectConfiguration) => Object.keys(p.targets ?? {}).filter((t) => t.startsWith('build') || t.startsWith('cross-compile')).sort();
    expect(builds(dev)).toEqual(['build']);
    expect(Object.keys(dev.targets ?? {})).toEqual(expect.arrayContaining(['test', 'vet']));
    expect(dev.tags).toContain('tqserver:development');
    expect(builds(off)).toEqual([]);
    expect(Object.keys(off.targets ?? {}).sort()).toEqual(['test', 'vet']);
    expect(off.tags).toContain('tqserver:disabled');
  });

  it('makes bun and php workers projects with no targets', async () => {
    const { web, legacy } = await infer();
    expect(web).toMatchObject({ root: 'workers/web', targets: {}, tags: ['tqserver:worker', 'tqserver:bun'], metadata: { technologies: ['bun'] } });
    expect(legacy).toMatchObject({ root: 'workers/legacy', targets: {}, tags: ['tqserver:worker', 'tqserver:php'], metadata: { technologies: ['php'] } });
  });

  it('names the server binary after the module path, and passes that name to the executor', async () => {
    const { server } = await infer();
    expect(server.root).toBe('server');
    expect(job(server.targets?.build)).toMatchObject({ cwd: 'server', output: 'server/bin/tqserver' });
    expect(job(server.targets?.['build-prod'])?.output).toBe('server/dist/tqserver');
    expect(server.targets?.['cross-compile']?.outputs).toContain('{workspaceRoot}/server/dist/tqserver-windows-amd64.exe');
    expect(server.targets?.['cross-compile']?.options?.binary).toBe('tqserver');
    expect(server.targets?.build?.options?.binary).toBe('tqserver');
    expect(server.tags).toContain('tqserver:server');
  });

  it('gives the module go.mod, go.sum and vendor as sources, and tidy and vendor as targets', async () => {
    const { tqserver } = await infer();
    expect(tqserver.root).toBe('.');
    expect(Object.keys(tqserver.targets ?? {}).sort()).toEqual(['tidy', 'vendor']);
    expect(tqserver.namedInputs?.['go-sources']).toEqual(['{projectRoot}/go.mod', '{projectRoot}/go.sum', '{projectRoot}/vendor/**/*', '{projectRoot}/*.go', '!{projectRoot}/*_test.go']);
  });

  it('tests each package on its own', async () => {
    const p = await infer();
    expect(Object.keys(p['pkg-worker'].targets ?? {}).sort()).toEqual(['test', 'vet']);
    expect(p['pkg-worker'].targets?.test?.options?.packages).toBe('.');
    expect(p['pkg-worker'].tags).toEqual(['go', 'go:package']);
  });

  it('follows workers.directory in server.yaml when the workers option is not set', async () => {
    write('config/server.yaml', 'workers:\n  directory: services\n');
    write('services/api/src/main.go', 'package main\n\nfunc main() {}\n');
    write('services/api/config/worker.yaml', 'path: /api\n');
    const p = await infer();
    expect(p.api?.root).toBe('services/api');
    expect(p.hello).toBeUndefined();
  });

  it('makes other main packages projects through the mains option', async () => {
    write('cmd/migrate/main.go', 'package main\n\nfunc main() {}\n');
    write('cmd/lib/lib.go', 'package lib\n');
    const p = await infer({ mains: 'cmd/*' });
    expect(job(p.migrate?.targets?.build)?.output).toBe('cmd/migrate/bin/migrate');
    expect(p.migrate?.tags).toEqual(['go', 'go:main']);
    // A directory the glob matches whose package is not main stays a package.
    expect(p['cmd-lib']?.tags).toEqual(['go', 'go:package']);
  });

  it('turns a broken worker.yaml into failing build targets that carry the error', async () => {
    write('workers/hello/config/worker.yaml', 'path: /hello\ntype: go\nbuild:\n  timeout: sixty\n');
    const { hello } = await infer();
    expect(hello.targets?.build?.options?.configError).toBe(
      'workers/hello/config/worker.yaml:4:12: build.timeout: "sixty" is not valid; expected a Go duration such as 60s, 1m30s or 500ms',
    );
  });

  it('refuses two projects with one name, naming both directories', async () => {
    write('workers/server/src/main.go', 'package main\n\nfunc main() {}\n');
    write('workers/server/config/worker.yaml', 'path: /s\n');
    await expect(infer()).rejects.toThrow('workers/server and server would both be the project "server"');
  });

  it("keeps inferring the seed's layout beside it", async () => {
    write('workers/api/go.mod', 'module example.com/api\n\ngo 1.22\n');
    write('workers/api/src/main.go', 'package main\n\nfunc main() {}\n');
    const { api } = await infer();
    expect(api.tags).toEqual(['go', 'go:worker']);
    expect(Object.keys(api.targets ?? {})).toEqual(expect.arrayContaining(['build', 'tidy', 'vendor']));
    expect(job(api.targets?.build)?.output).toBe('workers/api/bin/api');
  });
});
