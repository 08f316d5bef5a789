// TQServer's real layout (examples/tqserver): one root module, workers with config/worker.yaml, bun and php workers, server/src.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NX_VERSIONS, REPO_ROOT } from './support/paths';
import { fromCache, Workspace } from './support/workspace';

/** A fresh copy of the example with only nx, the packed plugin and `{ "plugins": ["@tqserver/nx-go"] }`. */
function tqserverWorkspace(opts: { nxVersion?: string; seedWorkers?: boolean } = {}): Workspace {
  const ws = Workspace.tqserver({ nxVersion: opts.nxVersion });
  if (opts.seedWorkers) {
    // The seed's layout beside it: workers with their own go.mod and config.yaml, libraries as modules.
    for (const dir of ['workers/api', 'workers/auth', 'libs']) cpSync(join(REPO_ROOT, dir), ws.path(dir), { recursive: true, filter: (src) => !/[\\/](bin|dist)([\\/]|$)/.test(src.slice(REPO_ROOT.length)) });
    ws.commit('seed-layout workers beside it');
  }
  return ws;
}

const replace = (rel: string, from: string, to: string) => (ws: Workspace) => {
  const before = ws.read(rel);
  if (!before.includes(from)) throw new Error(`${rel} does not contain ${from}`);
  ws.write(rel, before.replace(from, to));
};
const append = (rel: string, text: string) => (ws: Workspace) => ws.write(rel, ws.read(rel) + text);

type Project = { root: string; tags?: string[]; targets: Record<string, { options?: Record<string, unknown>; outputs?: string[] }>; metadata?: { technologies?: string[] } };

function showProject(ws: Workspace, name: string): Project {
  return JSON.parse(ws.nxOk(['show', 'project', name, '--json']).output);
}

function projectNames(ws: Workspace, args: string[] = []): string[] {
  return (JSON.parse(ws.nxOk(['show', 'projects', '--json', ...args]).output) as string[]).sort();
}

const ALL_PROJECTS = ['hello', 'legacy', 'pkg-fastcgi', 'pkg-phpfpm', 'pkg-unused', 'pkg-worker', 'server', 'status', 'tqserver', 'web'];

describe('TQServer layout: the example workspace', () => {
  let ws: Workspace;
  let baseline: string;
  beforeAll(() => {
    ws = tqserverWorkspace();
    baseline = ws.git('rev-parse', 'HEAD');
  });
  afterAll(() => ws.destroy());

  function reset(): void {
    ws.git('reset', '-q', '--hard', baseline);
    ws.git('clean', '-qfdx', '-e', 'node_modules', '-e', '.nx', '-e', 'bin');
  }

  it('discovers every worker (go, bun, php), the server, the module and its packages', () => {
    expect(projectNames(ws)).toEqual(ALL_PROJECTS);

    const hello = showProject(ws, 'hello');
    expect(hello.root).toBe('workers/hello');
    expect(hello.tags).toEqual(expect.arrayContaining(['go:worker', 'tqserver:go']));
    expect(Object.keys(hello.targets)).toEqual(expect.arrayContaining(['build', 'build-prod', 'cross-compile', 'test', 'vet']));
    // go.mod belongs to the module, so do tidy and vendor.
    expect(Object.keys(hello.targets)).not.toContain('tidy');
    expect(Object.keys(hello.targets)).not.toContain('vendor');

    const module = showProject(ws, 'tqserver');
    expect(module.root).toBe('.');
    // No Go files at the module root: no package of its own to test.
    expect(Object.keys(module.targets).sort()).toEqual(['tidy', 'vendor']);

    for (const [name, type] of [['web', 'bun'], ['legacy', 'php']] as const) {
      const p = showProject(ws, name);
      expect(p.tags).toEqual(expect.arrayContaining([`tqserver:${type}`, 'tqserver:worker']));
      expect(p.metadata?.technologies).toContain(type);
      expect(Object.keys(p.targets).filter((t) => /build|compile|vet|test|tidy|vendor/.test(t))).toEqual([]);
    }

    const server = showProject(ws, 'server');
    expect(server.root).toBe('server');
    expect(server.targets.build.outputs).toEqual(['{workspaceRoot}/server/bin/tqserver']);
    expect(Object.keys(server.targets)).toEqual(expect.arrayContaining(['build', 'build-prod', 'cross-compile', 'test', 'vet']));

    const pkg = showProject(ws, 'pkg-worker');
    expect(pkg.tags).toContain('go:package');
    expect(Object.keys(pkg.targets).sort()).toEqual(['test', 'vet']);
    expect(pkg.targets.test.options?.packages).toBe('.');
  });

  it('maps enabled: "development" to build, test and vet only, and "false" to no build at all', () => {
    const status = Object.keys(showProject(ws, 'status').targets);
    expect(status).toEqual(expect.arrayContaining(['build', 'test', 'vet']));
    expect(status.filter((t) => t.startsWith('build-prod') || t.startsWith('cross-compile'))).toEqual([]);

    replace('workers/status/config/worker.yaml', 'enabled: "development"', 'enabled: false')(ws);
    const disabled = showProject(ws, 'status');
    expect(disabled.tags).toContain('tqserver:disabled');
    expect(Object.keys(disabled.targets).filter((t) => t.startsWith('build') || t.startsWith('cross-compile'))).toEqual([]);
    const r = ws.nxOk(['run-many', '-t', 'build']);
    expect([...r.tasks.keys()].sort()).toEqual(['hello:build', 'server:build']);
    reset();
  });

  it('nx build <worker> writes workers/<name>/bin/<name>, and the binary runs', () => {
    reset();
    ws.remove('workers/hello/bin');
    const r = ws.nxOk(['build', 'hello']);
    expect(r.tasks.has('hello:build')).toBe(true);
    expect(ws.exists('workers/hello/bin/hello')).toBe(true);
    const run = spawnSync(ws.path('workers/hello/bin/hello'), ['--version'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('hello dev\n');
  });

  it("builds a worker that project.json renames to workers/<dir>/bin/<dir>, and the rerun is all cache", () => {
    reset();
    ws.write('workers/hello/project.json', JSON.stringify({ name: 'hello-svc' }));
    ws.commit('rename hello in project.json');
    ws.remove('workers/hello/bin');
    const args = ['run-many', '-t', 'build,build-prod', '-p', 'hello-svc'];
    const first = ws.nxOk(args);
    expect([...first.tasks.keys()].sort()).toEqual(['hello-svc:build', 'hello-svc:build-prod']);
    expect(spawnSync(ws.path('workers/hello/bin/hello'), ['--version'], { encoding: 'utf8' }).stdout).toBe('hello dev\n');
    expect(ws.exists('workers/hello/dist/hello')).toBe(true);
    expect(ws.exists('workers/hello/bin/hello-svc')).toBe(false);
    const second = ws.nxOk(args);
    expect([...second.tasks.values()].every(fromCache)).toBe(true);
    reset();
  });

  it('a build that fails leaves the last good binary in bin/, untouched, and nothing else', () => {
    reset();
    ws.nxOk(['build', 'hello']);
    const binary = readFileSync(ws.path('workers/hello/bin/hello'));
    append('workers/hello/src/main.go', '\nfunc broken() { undefinedName() }\n')(ws);
    const r = ws.nx(['build', 'hello']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('undefined: undefinedName');
    expect(readdirSync(ws.path('workers/hello/bin'))).toEqual(['hello']);
    expect(readFileSync(ws.path('workers/hello/bin/hello')).equals(binary)).toBe(true);
    reset();
  });

  it('nx run-many -t build builds the Go workers and the server to TQServer\'s paths; the rerun is all cache', () => {
    reset();
    ws.remove('workers/hello/bin');
    ws.nxOk(['reset']);
    let t0 = Date.now();
    const first = ws.nxOk(['run-many', '-t', 'build']);
    const firstMs = Date.now() - t0;
    expect([...first.tasks.keys()].sort()).toEqual(['hello:build', 'server:build', 'status:build']);
    expect(ws.exists('workers/hello/bin/hello')).toBe(true);
    expect(ws.exists('workers/status/bin/status')).toBe(true);
    const server = spawnSync(ws.path('server/bin/tqserver'), [], { encoding: 'utf8', cwd: ws.root });
    expect(server.stdout).toBe('tqserver dev php pool: www via FastCGI v1\n');

    t0 = Date.now();
    const second = ws.nxOk(['run-many', '-t', 'build']);
    const secondMs = Date.now() - t0;
    expect(second.tasks.size).toBe(3);
    expect([...second.tasks.values()].every(fromCache)).toBe(true);
    // Figures for the README, not assertions.
    console.log(`tqserver example: ${projectNames(ws).length} projects; run-many -t build ${firstMs} ms, rerun ${secondMs} ms`);
  });

  it('tests each package and worker on its own; nx affected -t test follows imports', () => {
    reset();
    const r = ws.nxOk(['run-many', '-t', 'test']);
    expect([...r.tasks.keys()].sort()).toEqual(['hello:test', 'pkg-fastcgi:test', 'pkg-phpfpm:test', 'pkg-unused:test', 'pkg-worker:test', 'server:test', 'status:test']);
    expect(r.output).toMatch(/ok\s+github\.com\/example\/tqserver\/pkg\/worker/);
    append('pkg/worker/worker_test.go', '\n// more\n')(ws);
    ws.commit('edit a test');
    const affected = ws.nxOk(['affected', '-t', 'test', '--base=HEAD~1', '--head=HEAD']);
    expect([...affected.tasks.keys()].sort()).toEqual(['hello:test', 'pkg-worker:test']);
    ws.git('reset', '-q', '--hard', baseline);
  });

  describe('package precision of the build hash', () => {
    beforeAll(() => {
      reset();
      ws.nxOk(['run-many', '-t', 'build']);
    });

    type Case = { name: string; project: string; apply: (ws: Workspace) => void };
    const MISSES: Case[] = [
      { name: 'an imported package (pkg/worker) for hello', project: 'hello', apply: append('pkg/worker/worker.go', '\nvar _ = "edited"\n') },
      { name: 'an imported package (pkg/phpfpm) for the server', project: 'server', apply: append('pkg/phpfpm/phpfpm.go', '\nvar _ = "edited"\n') },
      { name: 'a transitively imported package (pkg/fastcgi) for the server', project: 'server', apply: replace('pkg/fastcgi/fastcgi.go', 'Version = 1', 'Version = 2') },
      { name: "the worker's own source", project: 'hello', apply: append('workers/hello/src/main.go', '\nvar _ = "edited"\n') },
      { name: 'the root go.mod', project: 'hello', apply: replace('go.mod', 'go 1.22', 'go 1.23') },
      { name: 'a build: section in worker.yaml', project: 'hello', apply: append('workers/hello/config/worker.yaml', 'build:\n  flags:\n    - "-tags=extra"\n') },
      { name: 'a server source sub-package', project: 'server', apply: append('server/src/router/router.go', '\nvar _ = "edited"\n') },
      // The example's .gitignore lists go.work and zz_*.go, as TQServer's own lists go.work: Nx never sees these.
      { name: 'a gitignored go.work', project: 'hello', apply: (w) => w.write('go.work', 'go 1.22\n\nuse .\n') },
      { name: 'a gitignored generated file in an imported package', project: 'hello', apply: (w) => w.write('pkg/worker/zz_gen.go', 'package worker\n\nconst generated = 1\n') },
    ];
    const HITS: Case[] = [
      { name: 'an unimported package of the same module (pkg/unused)', project: 'hello', apply: replace('pkg/unused/unused.go', '42', '43') },
      { name: 'an unimported package of the same module (pkg/unused), for the server', project: 'server', apply: replace('pkg/unused/unused.go', '42', '43') },
      { name: 'a package the worker does not import (pkg/phpfpm)', project: 'hello', apply: append('pkg/phpfpm/phpfpm.go', '\nvar _ = "edited"\n') },
      { name: 'a package the server does not import (pkg/worker)', project: 'server', apply: append('pkg/worker/worker.go', '\nvar _ = "edited"\n') },
      { name: 'docs/', project: 'hello', apply: append('docs/workers.md', '\nMore.\n') },
      { name: "the worker's views/", project: 'hello', apply: append('workers/hello/views/index.html', '<p>more</p>\n') },
      { name: 'a runtime key of worker.yaml', project: 'hello', apply: replace('workers/hello/config/worker.yaml', 'max_workers: 3', 'max_workers: 4') },
      { name: 'config/server.yaml outside build:', project: 'hello', apply: replace('config/server.yaml', 'port: 8080', 'port: 8081') },
      { name: 'another worker', project: 'hello', apply: append('workers/status/src/main.go', '\nvar _ = "edited"\n') },
      { name: 'a test of an imported package', project: 'hello', apply: append('pkg/worker/worker_test.go', '\n// more\n') },
      { name: 'a gitignored log file in the worker', project: 'hello', apply: (w) => w.write('workers/hello/src/server.log', 'noise\n') },
    ];

    it.each(MISSES.map((c) => [c.name, c] as const))('a change to %s misses', (_n, c) => {
      reset();
      c.apply(ws);
      expect(ws.nxOk(['build', c.project]).tasks.get(`${c.project}:build`)).toBe('miss');
      reset();
      expect(fromCache(ws.nxOk(['build', c.project]).tasks.get(`${c.project}:build`))).toBe(true);
    });

    it.each(HITS.map((c) => [c.name, c] as const))('a change to %s hits', (_n, c) => {
      reset();
      c.apply(ws);
      expect(fromCache(ws.nxOk(['build', c.project]).tasks.get(`${c.project}:build`))).toBe(true);
    });
  });

  it.each([
    ['a runtime key', replace('workers/hello/config/worker.yaml', 'max_workers: 3', 'max_workers: 4')],
    ['build.env (go build only)', append('workers/hello/config/worker.yaml', 'build:\n  env:\n    GOAMD64: v2\n')],
  ])('keeps hello:test a cache hit when worker.yaml changes %s (found in review: it missed)', (_n, apply) => {
    reset();
    ws.nxOk(['test', 'hello']);
    apply(ws);
    expect(fromCache(ws.nxOk(['test', 'hello']).tasks.get('hello:test'))).toBe(true);
    reset();
  });

  it('runs a build job declared in config/worker.yaml before the build, and its template is part of the hash', () => {
    reset();
    const job = (value: string) =>
      `build:\n  deps: [greeting]\n  jobs:\n    greeting:\n      outputs: [src/zz_greeting.go]\n      cmds:\n        - cat:\n            template: "package main\\n\\nconst greeting = \\"${value}\\"\\n"\n            output: "{{.SourceDir}}/src/zz_greeting.go"\n`;
    ws.write('workers/hello/config/worker.yaml', ws.read('workers/hello/config/worker.yaml') + job('hi'));
    const first = ws.nxOk(['build', 'hello']);
    expect(first.tasks.get('hello:job-greeting')).toBe('miss');
    expect(first.tasks.get('hello:build')).toBe('miss');
    expect(ws.read('workers/hello/src/zz_greeting.go')).toContain('const greeting = "hi"');
    expect(fromCache(ws.nxOk(['build', 'hello']).tasks.get('hello:build'))).toBe(true);
    ws.write('workers/hello/config/worker.yaml', ws.read('workers/hello/config/worker.yaml').replace(job('hi'), job('hello')));
    const second = ws.nxOk(['build', 'hello']);
    expect(second.tasks.get('hello:job-greeting')).toBe('miss');
    expect(second.tasks.get('hello:build')).toBe('miss');
    expect(ws.read('workers/hello/src/zz_greeting.go')).toContain('const greeting = "hello"');
    // targetDefaults keyed by the executor replace the dependsOn of every build target: the build refuses to run without its job.
    ws.write('workers/hello/config/worker.yaml', ws.read('workers/hello/config/worker.yaml').replace(job('hello'), job('hey')));
    ws.write('nx.json', JSON.stringify({ ...JSON.parse(ws.read('nx.json')), targetDefaults: { '@tqserver/nx-go:build': { dependsOn: ['^build'] } } }, null, 2));
    const replaced = ws.nx(['build', 'hello']);
    expect(replaced.code).not.toBe(0);
    expect([...replaced.tasks.keys()]).toEqual(['hello:build']);
    expect(replaced.output).toContain('hello: build: needs hello:job-greeting to run before it (its deps), but this run does not run it first.');
    expect(ws.read('workers/hello/src/zz_greeting.go')).toContain('const greeting = "hello"');
    // targetDefaults that replace the inputs of every build: the build refuses to run rather than cache under that hash.
    ws.write('nx.json', JSON.stringify({ ...JSON.parse(ws.read('nx.json')), targetDefaults: { build: { inputs: ['{projectRoot}/**/*'], dependsOn: ['job-greeting'] } } }, null, 2));
    const inputs = ws.nx(['build', 'hello', '--skip-nx-cache']);
    expect(inputs.code).not.toBe(0);
    expect(inputs.output).toContain('hello: build: its inputs are ["{projectRoot}/**/*"], without the plugin\'s');
    // ...and outputs that no longer hold the binary: a later hit would restore nothing.
    ws.write('nx.json', JSON.stringify({ ...JSON.parse(ws.read('nx.json')), targetDefaults: { build: { outputs: ['{options.outputPath}'], dependsOn: ['job-greeting'] } } }, null, 2));
    const outputs = ws.nx(['build', 'hello', '--skip-nx-cache']);
    expect(outputs.code).not.toBe(0);
    expect(outputs.output).toMatch(/hello: build: its outputs are .*, which do not hold workers\/hello\/bin\/hello: a targetDefaults entry/);
    // A project.json that redefines a go-* named input of the package project.
    ws.write('nx.json', JSON.stringify({ ...JSON.parse(ws.read('nx.json')), targetDefaults: {} }, null, 2));
    ws.write('workers/hello/project.json', JSON.stringify({ name: 'hello', namedInputs: { 'go-sources': ['{projectRoot}/config/worker.yaml'] } }));
    const named = ws.nx(['build', 'hello', '--skip-nx-cache']);
    expect(named.code).not.toBe(0);
    expect(named.output).toContain('hello: job-greeting: the go-* named inputs of hello are not the ones the plugin inferred');
    // ...or of a package it imports, read through ^go-sources.
    ws.remove('workers/hello/project.json');
    ws.write('pkg/worker/project.json', JSON.stringify({ name: 'pkg-worker', namedInputs: { 'go-sources': ['{projectRoot}/worker.go'] } }));
    const pkg = ws.nx(['build', 'hello', '--skip-nx-cache']);
    expect(pkg.code).not.toBe(0);
    expect(pkg.output).toContain('the go-* named inputs of pkg-worker are not the ones the plugin inferred');
    // build-prod's inputs copied from nx show project without go-stamp: a new commit would be served the old stamp.
    ws.remove('pkg/worker/project.json');
    const prodInputs = (showProject(ws, 'hello').targets['build-prod'] as { inputs?: unknown[] }).inputs ?? [];
    expect(prodInputs).toContain('go-stamp');
    ws.write('workers/hello/project.json', JSON.stringify({ name: 'hello', targets: { 'build-prod': { inputs: prodInputs.filter((i) => i !== 'go-stamp') } } }));
    const stamp = ws.nx(['build-prod', 'hello', '--skip-nx-cache']);
    expect(stamp.code).not.toBe(0);
    expect(stamp.output).toContain('hello: build-prod: its inputs are');
    expect(stamp.output).toContain('also the git stamp written into the binary');
    reset();
  });

  it("hashes a worker's own gitignored test files into its tests (go-test-context), and another package's into neither its tests nor its build", () => {
    reset();
    ws.nxOk(['run-many', '-t', 'test', 'build', '-p', 'hello', 'pkg-worker']);
    // The example's .gitignore lists zz_*.go: a generated mock that Nx never sees.
    ws.write('workers/hello/src/zz_mock_test.go', 'package main\n\nconst mockAnswer = 1\n');
    expect(ws.nxOk(['test', 'hello']).tasks.get('hello:test')).toBe('miss');
    expect(fromCache(ws.nxOk(['build', 'hello']).tasks.get('hello:build'))).toBe(true);
    // Another package's mock: only that package's tests read it (hello's whole module is in its build digest).
    ws.write('pkg/worker/zz_mock_test.go', 'package worker\n\nconst mockAnswer = 1\n');
    expect(ws.nxOk(['test', 'pkg-worker']).tasks.get('pkg-worker:test')).toBe('miss');
    const again = ws.nxOk(['run-many', '-t', 'test', 'build', '-p', 'hello']);
    expect(fromCache(again.tasks.get('hello:test'))).toBe(true);
    expect(fromCache(again.tasks.get('hello:build'))).toBe(true);
    reset();
  });

  it('derives cross-compile from build-prod here too: an imported package or a gitignored Go file of the module misses, docs/ hits', () => {
    reset();
    const task = 'hello:cross-compile';
    const run = () => ws.nxOk(['run', task, '--platform=linux/amd64']).tasks.get(task);
    run();
    expect(fromCache(run())).toBe(true);
    ws.write('pkg/worker/zz_gen.go', 'package worker\n\nconst generated = 1\n');
    expect(run()).toBe('miss');
    append('pkg/worker/worker.go', '\nvar _ = "edited"\n')(ws);
    expect(run()).toBe('miss');
    append('docs/workers.md', '\nMore.\n')(ws);
    expect(fromCache(run())).toBe(true);
    reset();
  });

  it("misses only cross-compile when worker.yaml's matrix changes; --platform splits the matrix across hello and the server, and worker.yaml's ignore holds", () => {
    reset();
    const outputs = (name: string) => (showProject(ws, name).targets['cross-compile'].outputs ?? []).map((o) => o.replace('{workspaceRoot}/', ''));
    const windowsBinary = (name: string) => {
      const found = outputs(name).find((o) => o.endsWith('-windows-amd64.exe'));
      if (!found) throw new Error(`${name}:cross-compile declares no windows/amd64 binary: ${outputs(name).join(', ')}`);
      return found;
    };
    const all = ['run-many', '-t', 'build', 'build-prod', 'cross-compile', 'test', '-p', 'hello'];
    ws.nxOk(all);
    expect(ws.exists(windowsBinary('hello'))).toBe(true);
    const declared = outputs('hello');

    // Block style, as the rest of the file: the plugin's own reader for plain YAML reads it (not yaml's).
    append('workers/hello/config/worker.yaml', 'build:\n  cross_compile:\n    ignore:\n      - windows/amd64\n')(ws);
    const edited = ws.nxOk(all);
    expect(edited.tasks.get('hello:cross-compile')).toBe('miss');
    for (const t of ['build', 'build-prod', 'test']) expect(fromCache(edited.tasks.get(`hello:${t}`))).toBe(true);
    // The outputs list every first-class port whatever the matrix says; the one it no longer builds is removed.
    expect(outputs('hello')).toEqual(declared);
    expect(ws.exists(windowsBinary('hello'))).toBe(false);

    // One platform across workers, as one machine of a CI matrix runs it.
    for (const name of ['hello', 'server']) ws.remove(windowsBinary(name));
    const split = ws.nxOk(['run-many', '-t', 'cross-compile', '-p', 'hello', 'server', '--platform=windows/amd64']);
    expect(split.output).toContain("hello: cross-compile: windows/amd64 is not in hello's matrix");
    expect(ws.exists(windowsBinary('hello'))).toBe(false);
    // A PE executable: what GOOS=windows builds.
    expect(ws.read(windowsBinary('server')).slice(0, 2)).toBe('MZ');
    // hello's task built nothing, so its entry holds nothing: the binaries of earlier runs are removed too.
    expect(declared.filter((o) => ws.exists(o))).toEqual([]);
    reset();
  });

  it('leaves nx.json\'s cacheDirectory out of the root module\'s digest: the cached copy of a generated Go file never causes a miss', () => {
    reset();
    ws.write('nx.json', JSON.stringify({ ...JSON.parse(ws.read('nx.json')), cacheDirectory: '.cache/nx' }, null, 2));
    ws.write('.gitignore', `${ws.read('.gitignore')}.cache/\n`);
    ws.write(
      'workers/hello/config/worker.yaml',
      `${ws.read('workers/hello/config/worker.yaml')}build:\n  deps: [greeting]\n  jobs:\n    greeting:\n      outputs: [src/zz_greeting.go]\n      cmds:\n        - cat:\n            template: "package main\\n\\nconst greeting = \\"hi\\"\\n"\n            output: "{{.SourceDir}}/src/zz_greeting.go"\n`,
    );
    ws.commit('cache inside the workspace');
    // The workspace pins NX_CACHE_DIRECTORY for isolation; here nx.json's setting must be the one Nx uses.
    const nxJsonCache = { NX_CACHE_DIRECTORY: undefined };
    expect(ws.nxOk(['build', 'hello'], nxJsonCache).tasks.get('hello:build')).toBe('miss');
    // The cache now holds a copy of zz_greeting.go: a gitignored .go file inside the root module.
    expect(ws.exists('.cache/nx')).toBe(true);
    const again = ws.nxOk(['build', 'hello'], nxJsonCache);
    expect(fromCache(again.tasks.get('hello:job-greeting'))).toBe(true);
    expect(fromCache(again.tasks.get('hello:build'))).toBe(true);
    reset();
  });

  it('shows package-level edges in the project graph', () => {
    reset();
    ws.nxOk(['graph', '--file=graph.json']);
    const graph = JSON.parse(ws.read('graph.json')).graph;
    const edges = (p: string) => graph.dependencies[p].map((d: { target: string }) => d.target).sort();
    expect(edges('hello')).toEqual(['pkg-worker', 'tqserver']);
    expect(edges('server')).toEqual(['pkg-phpfpm', 'tqserver']);
    expect(edges('pkg-phpfpm')).toEqual(['pkg-fastcgi', 'tqserver']);
    expect(edges('status')).toEqual(['tqserver']);
    expect(edges('web')).toEqual([]);
    ws.remove('graph.json');
  });

  it('reports build: in both config.yaml and config/worker.yaml, naming both files', () => {
    reset();
    ws.write('workers/hello/config.yaml', 'build:\n  timeout: 30s\n');
    append('workers/hello/config/worker.yaml', 'build:\n  timeout: 60s\n')(ws);
    const r = ws.nx(['build', 'hello']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('workers/hello/config.yaml and workers/hello/config/worker.yaml both have a build: section');
    reset();
  });

  it('validates build: in worker.yaml strictly, with file:line:col, and type and enabled', () => {
    reset();
    append('workers/hello/config/worker.yaml', 'build:\n  timeout: sixty\n')(ws);
    const lines = ws.read('workers/hello/config/worker.yaml').split('\n');
    const line = lines.findIndex((l) => l.includes('sixty')) + 1;
    const r = ws.nx(['build', 'hello']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`workers/hello/config/worker.yaml:${line}:12: build.timeout: "sixty" is not valid; expected a Go duration`);
    reset();
    replace('workers/status/config/worker.yaml', 'type: "go"', 'type: "rust"')(ws);
    const bad = ws.nx(['build', 'status']);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toContain('workers/status/config/worker.yaml:2:7: type: "rust" is not valid; expected go, bun or php');
    reset();
  });
});

describe('TQServer layout: nx affected at package precision', () => {
  describe.each(NX_VERSIONS.map((v) => [v]))('nx %s', (nxVersion) => {
    let ws: Workspace;
    beforeAll(() => {
      ws = tqserverWorkspace({ nxVersion });
    });
    afterAll(() => ws.destroy());

    function affected(change: (ws: Workspace) => void): { tasks: string[]; projects: string[] } {
      const base = ws.git('rev-parse', 'HEAD');
      change(ws);
      ws.commit('change');
      const range = [`--base=${base}`, '--head=HEAD'];
      const tasks = [...ws.nxOk(['affected', '-t', 'build', ...range]).tasks.keys()].sort();
      const projects = projectNames(ws, ['--affected', ...range]);
      return { tasks, projects };
    }

    it('a change to pkg/phpfpm selects the server, not the worker that imports only pkg/worker', () => {
      expect(affected(append('pkg/phpfpm/phpfpm.go', '\nvar _ = 1\n'))).toEqual({ tasks: ['server:build'], projects: ['pkg-phpfpm', 'server'] });
    });

    it('a change to pkg/worker selects hello only', () => {
      expect(affected(append('pkg/worker/worker.go', '\nvar _ = 1\n'))).toEqual({ tasks: ['hello:build'], projects: ['hello', 'pkg-worker'] });
    });

    it('a change to pkg/fastcgi reaches the server through pkg/phpfpm', () => {
      expect(affected(append('pkg/fastcgi/fastcgi.go', '\nvar _ = 1\n'))).toEqual({
        tasks: ['server:build'],
        projects: ['pkg-fastcgi', 'pkg-phpfpm', 'server'],
      });
    });

    it('a change to a package nobody imports selects no build', () => {
      expect(affected(replace('pkg/unused/unused.go', '42', '41'))).toEqual({ tasks: [], projects: ['pkg-unused'] });
    });

    it('a change to go.mod selects every Go build', () => {
      expect(affected(replace('go.mod', 'go 1.22', 'go 1.23')).tasks).toEqual(['hello:build', 'server:build', 'status:build']);
    });
  });
});

describe('both layouts in one workspace', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = tqserverWorkspace({ seedWorkers: true });
  });
  afterAll(() => ws.destroy());

  it('infers module-per-worker workers beside TQServer workers and builds them all', () => {
    expect(projectNames(ws)).toEqual([...ALL_PROJECTS, 'api', 'auth', 'shared', 'textfmt'].sort());
    const api = showProject(ws, 'api');
    expect(Object.keys(api.targets)).toEqual(expect.arrayContaining(['build', 'tidy', 'vendor']));
    const r = ws.nxOk(['run-many', '-t', 'build']);
    // auth's build depends on its routes job (the example's build job).
    expect([...r.tasks.keys()].sort()).toEqual(['api:build', 'auth:build', 'auth:job-routes', 'hello:build', 'server:build', 'status:build']);
    expect(spawnSync(ws.path('workers/api/bin/api'), { encoding: 'utf8' }).stdout).toContain('hello from api');
    expect(spawnSync(ws.path('workers/hello/bin/hello'), ['--version'], { encoding: 'utf8' }).stdout).toBe('hello dev\n');
    const again = ws.nxOk(['run-many', '-t', 'build']);
    expect(Object.fromEntries([...again.tasks].filter(([, state]) => !fromCache(state)))).toEqual({});
  });
});
